package me.flashapp.gateway.card;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.TestGateway;

/**
 * A merchant's wallet for settlement tests: a Lightning address (LUD-16) served by an LNURL-pay
 * service on loopback. Each callback issues a BOLT11 of a foreign node for the asked amount, which
 * the gateway's LND simulator then pays; the wallet remembers every invoice it issued.
 */
final class MerchantWallet implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> issued = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  MerchantWallet(TestGateway gw) {
    server = TestGateway.await(vertx.createHttpServer().requestHandler(req -> {
      JsonObject answer;
      if (req.path().equals("/.well-known/lnurlp/merchant")) {
        answer = new JsonObject().put("tag", "payRequest").put("minSendable", 1_000).put("maxSendable", 100_000_000_000L)
            .put("metadata", "[[\"text/plain\",\"merchant\"]]")
            .put("callback", "http://localhost:" + req.localAddress().port() + "/cb");
      } else {
        String pr = CardLnurlTest.foreignInvoice(gw.clock, Long.parseLong(req.getParam("amount")), Bolt11Network.REGTEST);
        issued.add(pr);
        answer = new JsonObject().put("pr", pr).put("routes", new JsonArray());
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    }).listen(0, "127.0.0.1"));
  }

  /** The wallet's Lightning address. */
  String address() {
    return "merchant@localhost:" + server.actualPort();
  }

  /** Every invoice issued so far, oldest first. */
  List<String> issued() {
    return List.copyOf(issued);
  }

  @Override
  public void close() {
    TestGateway.await(vertx.close());
  }
}
