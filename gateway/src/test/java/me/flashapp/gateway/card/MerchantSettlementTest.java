package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Merchant settlement: the store's balance from card payments is paid to its Lightning address. */
class MerchantSettlementTest {
  static TestGateway gw;
  static CardFixture f;
  static Vertx vertx;
  static HttpServer lnurlServer;
  static final List<String> issued = new ArrayList<>();

  @BeforeAll
  static void start() {
    gw = CardFixture.startGateway();
    f = new CardFixture(gw);
    CardLnurlTest.gw = gw;
    // The merchant's wallet: a Lightning address served by an LNURL-pay service on loopback.
    vertx = Vertx.vertx();
    lnurlServer = TestGateway.await(vertx.createHttpServer().requestHandler(req -> {
      JsonObject answer;
      if (req.path().equals("/.well-known/lnurlp/merchant")) {
        answer = new JsonObject().put("tag", "payRequest").put("minSendable", 1_000).put("maxSendable", 100_000_000_000L)
            .put("metadata", "[[\"text/plain\",\"merchant\"]]")
            .put("callback", "http://localhost:" + req.localAddress().port() + "/cb");
      } else {
        String pr = CardLnurlTest.foreignInvoice(Long.parseLong(req.getParam("amount")), Bolt11Network.REGTEST);
        synchronized (issued) {
          issued.add(pr);
        }
        answer = new JsonObject().put("pr", pr).put("routes", new io.vertx.core.json.JsonArray());
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    gw.close();
    TestGateway.await(vertx.close());
  }

  @AfterEach
  void ledgerBalanced() {
    f.assertLedgerBalanced();
  }

  @Test
  void theStoreBalanceIsPaidOutAndTheStoreAccountEmptied() {
    String store = gw.createStore("Cafe");
    Http http = gw.http();
    assertThat(http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN).status()).isEqualTo(400);
    Http.Response config = http.put("/api/v1/stores/" + store + "/settlement-config", new JsonObject()
        .put("destination", "merchant@localhost:" + lnurlServer.actualPort()).put("thresholdSats", 100_000).encode(),
        CardFixture.ADMIN);
    assertThat(config.status()).as(config.toString()).isEqualTo(200);
    assertThat(http.put("/api/v1/stores/" + store + "/settlement-config", "{\"destination\":\"nope\"}",
        CardFixture.ADMIN).status()).isEqualTo(422);

    JsonObject card = f.issue(store, 100_000, 500_000);
    CardSimulator sim = CardFixture.simulator(card);
    f.topUp(store, card.getString("id"), 50_000);
    for (int i = 1; i <= 3; i++) {
      String inv = f.invoice(store, 1_234L * i).getString("id");
      assertThat(TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, inv, sim.p(i), sim.c(i), null,
          null))).isSettled()).isTrue();
    }
    assertThat(f.ledger("store:" + store)).isEqualTo(1_234L * 6);

    Http.Response settled = http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN);
    assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
    assertThat(settled.json().getString("state")).isEqualTo("Completed");
    assertThat(settled.json().getString("amount")).isEqualTo("7404");
    assertThat(f.ledger("store:" + store)).isZero();
    assertThat(f.ledger("payouts-in-flight")).isZero();
    String pr;
    synchronized (issued) {
      pr = issued.get(issued.size() - 1);
    }
    assertThat(gw.sql("SELECT status, amount_msat FROM lightning_payouts WHERE payment_hash = $1",
        Bolt11.decode(pr).paymentHashHex())).singleElement()
        .satisfies(r -> assertThat(r.getString("status")).isEqualTo("succeeded"))
        .satisfies(r -> assertThat(r.getLong("amount_msat")).isEqualTo(7_404_000L));

    // nothing left: nothing to settle
    assertThat(http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN).json()
        .getString("status")).isEqualTo("nothing-to-settle");
  }
}
