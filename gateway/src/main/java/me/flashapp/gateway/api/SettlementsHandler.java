package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import me.flashapp.gateway.payout.MerchantSettlements;
import me.flashapp.gateway.payout.PayoutDestinations;

/**
 * Merchant settlement: {@code PUT/GET /api/v1/stores/{storeId}/settlement-config}
 * {@code {destination, thresholdSats?}} and {@code POST /api/v1/stores/{storeId}/settlements},
 * which pays the store's ledger balance out now (the payout, or {@code {"status":"nothing-to-settle"}}).
 */
public final class SettlementsHandler {
  private final MerchantSettlements settlements;

  public SettlementsHandler(MerchantSettlements settlements) {
    this.settlements = settlements;
  }

  public void routes(Router router) {
    router.put("/api/v1/stores/:storeId/settlement-config").handler(this::put);
    router.get("/api/v1/stores/:storeId/settlement-config").handler(this::get);
    router.post("/api/v1/stores/:storeId/settlements").handler(this::settle);
  }

  void put(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, storeId);
    Fields f = new Fields(JsonBody.object(ctx));
    String destination = f.string("destination", true, 2048);
    if (destination != null && (destination.toLowerCase().startsWith("lnbc") || destination.toLowerCase().startsWith("lntb")
        || !PayoutDestinations.isWellFormed(destination.strip()))) {
      f.error("destination", "must be an LNURL-pay or a Lightning address (a BOLT11 can be paid only once)");
    }
    Long threshold = f.integer("thresholdSats", 1, 2_100_000_000_000_000L);
    f.validate();
    settlements.put(new MerchantSettlements.Config(storeId, destination.strip(), threshold))
        .onSuccess(c -> Reply.ok(json(c)).send(ctx)).onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    settlements.get(storeId).map(c -> {
      if (c == null) {
        throw ApiException.notFound("settlement-config-not-found", "No settlement destination is configured");
      }
      return json(c);
    }).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  void settle(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MANAGE_PAYOUTS, storeId);
    settlements.settle(storeId).map(p -> p == null ? new JsonObject().put("status", "nothing-to-settle")
            : PullPaymentsHandler.json(p, "SATS"))
        .recover(err -> Future.failedFuture(err instanceof IllegalStateException
            ? ApiException.badRequest("settlement-not-configured", err.getMessage())
            : err instanceof PayoutDestinations.InvalidDestinationException
            ? ApiException.badRequest("settlement-destination-failed", err.getMessage()) : err))
        .onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  private static JsonObject json(MerchantSettlements.Config c) {
    return new JsonObject().put("destination", c.destination()).put("thresholdSats", c.thresholdSats());
  }
}
