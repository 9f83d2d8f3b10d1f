package me.flashapp.gateway.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import me.flashapp.gateway.devnet.LndSimulator;
import me.flashapp.gateway.lightning.Bolt11Exception;

/**
 * {@code POST /api/v1/dev/lightning/pay {paymentRequest}} → {@code {paymentHash, status}}: pays an
 * invoice of the devnet LND simulator as an outside payer would. Exists only while the simulator
 * runs; needs an unrestricted key.
 */
public final class DevLightningHandler {
  private final LndSimulator simulator;

  public DevLightningHandler(LndSimulator simulator) {
    this.simulator = simulator;
  }

  public void routes(Router router) {
    router.post("/api/v1/dev/lightning/pay").handler(this::pay);
  }

  void pay(RoutingContext ctx) {
    if (!Auth.key(ctx).canEverywhere(Policies.UNRESTRICTED)) {
      throw ApiException.forbidden(Policies.UNRESTRICTED);
    }
    Fields f = new Fields(JsonBody.object(ctx));
    String request = f.string("paymentRequest", true, 4096);
    f.validate();
    String hash;
    try {
      hash = simulator.paymentHash(request);
    } catch (Bolt11Exception e) {
      throw ValidationException.of("paymentRequest", "is not a valid BOLT11 invoice: " + e.getMessage());
    }
    LndSimulator.PayResult result = simulator.settle(hash, -1);
    switch (result) {
      case UNKNOWN_INVOICE -> throw ApiException.notFound("lightning-invoice-not-found",
          "The devnet node has no such invoice");
      case CANCELED -> throw ApiException.badRequest("lightning-invoice-canceled",
          "The invoice was cancelled on the node and cannot be paid");
      default -> Reply.ok(new JsonObject().put("paymentHash", hash)
          .put("status", result.status())).send(ctx);
    }
  }
}
