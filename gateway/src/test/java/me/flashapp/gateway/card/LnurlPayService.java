package me.flashapp.gateway.card;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.TestGateway;

/**
 * LNURL-pay services (LUD-06/LUD-16) on loopback, one per Lightning address user: {@code good}
 * answers as the spec says; {@code memo}, {@code otherhash} and {@code amount} hand back an
 * invoice that is wrong in one way (no description_hash, the hash of other metadata, 1 sat more
 * than asked). The invoices are of a foreign node (CardLnurlTest's helpers, so its gw must be set).
 */
final class LnurlPayService implements AutoCloseable {
  static final String METADATA = "[[\"text/plain\",\"Paid to a wallet \u00e9\"],[\"text/identifier\",\"w@localhost\"]]";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<String> issued = new ArrayList<>();

  LnurlPayService() {
    server = TestGateway.await(vertx.createHttpServer().requestHandler(req -> {
      String user = req.path().substring(req.path().lastIndexOf('/') + 1);
      JsonObject answer;
      if (req.path().startsWith("/.well-known/lnurlp/")) {
        answer = new JsonObject().put("tag", "payRequest").put("minSendable", 1_000).put("maxSendable", 100_000_000_000L)
            .put("metadata", METADATA).put("callback", "http://localhost:" + req.localAddress().port() + "/cb/" + user);
      } else {
        answer = new JsonObject().put("pr", invoice(user, Long.parseLong(req.getParam("amount"))))
            .put("routes", new JsonArray());
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    }).listen(0, "127.0.0.1"));
  }

  private String invoice(String user, long msat) {
    String pr = switch (user) {
      case "good" -> CardLnurlTest.foreignLnurlInvoice(msat, METADATA);
      case "memo" -> CardLnurlTest.foreignInvoice(msat, Bolt11Network.REGTEST);
      case "otherhash" -> CardLnurlTest.foreignLnurlInvoice(msat, METADATA.replace("wallet", "thief"));
      case "amount" -> CardLnurlTest.foreignLnurlInvoice(msat + 1_000, METADATA);
      default -> throw new IllegalArgumentException(user);
    };
    synchronized (issued) {
      issued.add(pr);
    }
    return pr;
  }

  /** The Lightning address of {@code user}. */
  String address(String user) {
    return user + "@localhost:" + server.actualPort();
  }

  /** The URL of {@code user}'s payRequest (to wrap as a bech32 LNURL). */
  String url(String user) {
    return "http://localhost:" + server.actualPort() + "/.well-known/lnurlp/" + user;
  }

  /** Every BOLT11 handed out so far, oldest first. */
  List<String> issued() {
    synchronized (issued) {
      return List.copyOf(issued);
    }
  }

  /** The BOLT11 handed out last. */
  String lastInvoice() {
    synchronized (issued) {
      return issued.get(issued.size() - 1);
    }
  }

  @Override
  public void close() {
    TestGateway.await(vertx.close());
  }
}
