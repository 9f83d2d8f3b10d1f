package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Lnurl;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Merchant settlement: the store's balance from card payments is paid to its Lightning address,
 * but only on an invoice that commits to the service's metadata and is for the amount (LUD-06).
 */
class MerchantSettlementTest {
  static TestGateway gw;
  static CardFixture f;
  static LnurlPayService wallets;

  @BeforeAll
  static void start() {
    gw = CardFixture.startGateway();
    f = new CardFixture(gw);
    CardLnurlTest.gw = gw;
    // The merchant's wallet: Lightning addresses served by an LNURL-pay service on loopback.
    wallets = new LnurlPayService();
  }

  @AfterAll
  static void stop() {
    gw.close();
    wallets.close();
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
        .put("destination", wallets.address("good")).put("thresholdSats", 100_000).encode(),
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
    String pr = wallets.lastInvoice();
    assertThat(gw.sql("SELECT status, amount_msat FROM lightning_payouts WHERE payment_hash = $1",
        Bolt11.decode(pr).paymentHashHex())).singleElement()
        .satisfies(r -> assertThat(r.getString("status")).isEqualTo("succeeded"))
        .satisfies(r -> assertThat(r.getLong("amount_msat")).isEqualTo(7_404_000L));

    // nothing left: nothing to settle
    assertThat(http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN).json()
        .getString("status")).isEqualTo("nothing-to-settle");
  }

  @Test
  void nothingIsPaidToAServiceWhoseInvoiceDoesNotCommitToItsMetadataOrAmount() {
    String store = gw.createStore("Bakery");
    Http http = gw.http();
    f.cardPayment(store, 10_000);
    long payouts = gw.count("payouts");
    for (String bad : new String[] {"memo", "otherhash", "amount"}) {
      assertThat(http.put("/api/v1/stores/" + store + "/settlement-config", new JsonObject()
          .put("destination", wallets.address(bad)).encode(), CardFixture.ADMIN).status()).isEqualTo(200);
      Http.Response r = http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN);
      assertThat(r.status()).as(bad + " → " + r).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("settlement-destination-failed");
      assertThat(r.json().getString("message")).contains(bad.equals("amount") ? "exactly" : "description_hash");
      assertThat(gw.count("payouts")).isEqualTo(payouts);
      assertThat(gw.sql("SELECT 1 FROM lightning_payouts WHERE payment_hash = $1",
          Bolt11.decode(wallets.lastInvoice()).paymentHashHex())).isEmpty();
      assertThat(f.ledger("store:" + store)).isEqualTo(10_000);
    }

    // a Flash Card of our own as the destination is still credited inside the ledger, no Lightning hop
    JsonObject own = f.issue(store, 100_000, 500_000);
    String ownLnurl = Lnurl.encode("http://localhost:" + gw.gateway().httpPort() + "/boltcard/pay?p="
        + CardFixture.simulator(own).p(3));
    assertThat(http.put("/api/v1/stores/" + store + "/settlement-config", new JsonObject().put("destination", ownLnurl)
        .encode(), CardFixture.ADMIN).status()).isEqualTo(200);
    Http.Response settled = http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN);
    assertThat(settled.status()).as(settled.toString()).isEqualTo(200);
    assertThat(settled.json().getString("state")).isEqualTo("Completed");
    assertThat(f.card(own.getString("id"))).isEqualTo(10_000);
    assertThat(f.ledger("store:" + store)).isZero();
    assertThat(gw.count("payouts")).isEqualTo(payouts + 1);
  }
}
