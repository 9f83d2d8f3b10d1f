package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.lightning.Lnurl;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Greenfield pull payments and payouts: POS rewards to a card, BOLT11 payouts, limits, approval. */
class PullPaymentsTest {
  static TestGateway gw;
  static CardFixture f;
  static Http http;
  static LnurlPayService wallets;
  String store;

  @BeforeAll
  static void start() {
    gw = CardFixture.startGateway();
    f = new CardFixture(gw);
    http = gw.http();
    CardLnurlTest.gw = gw; // for its BOLT11 helper
    wallets = new LnurlPayService();
  }

  @AfterAll
  static void stop() {
    gw.close();
    wallets.close();
  }

  @BeforeEach
  void storeWithBalance() {
    gw.clock.advance(Duration.ofSeconds(30));
    store = gw.createStore("Cafe");
    f.cardPayment(store, 10_000);
    assertThat(f.ledger("store:" + store)).isEqualTo(10_000);
  }

  @AfterEach
  void ledgerBalanced() {
    f.assertLedgerBalanced();
  }

  JsonObject pullPayment(String amount, String currency, boolean autoApprove) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/pull-payments", new JsonObject().put("name", "Rewards")
        .put("amount", amount).put("currency", currency).put("payoutMethods", new io.vertx.core.json.JsonArray()
            .add("BTC-LN")).put("autoApproveClaims", autoApprove).encode(), CardFixture.ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static Http.Response claim(String ppId, String destination, String amount) {
    return http.post("/api/v1/pull-payments/" + ppId + "/payouts", new JsonObject().put("destination", destination)
        .put("amount", amount).put("payoutMethodId", "BTC-LN").encode(), null);
  }

  @Test
  void aPullPaymentOfAnUnknownOrRetiredStoreIsNotFoundAndWritesNothing() {
    long before = gw.count("pull_payments");
    String body = "{\"name\":\"x\",\"amount\":\"1000\",\"currency\":\"SATS\",\"payoutMethods\":[\"BTC-LN\"]}";
    Http.Response r = http.post("/api/v1/stores/NoSuchStore123/pull-payments", body, CardFixture.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.json().getString("code")).isEqualTo("store-not-found");
    assertThat(http.get("/api/v1/stores/NoSuchStore123/pull-payments", CardFixture.ADMIN).status()).isEqualTo(404);
    assertThat(gw.count("pull_payments")).isEqualTo(before);
  }

  @Test
  void rewardsReachACardInsideTheLedgerAndBolt11PayoutsGoThroughLightning() {
    JsonObject pp = pullPayment("5000", "SATS", true);
    String ppId = pp.getString("id");
    assertThat(http.get("/api/v1/pull-payments/" + ppId, null).json().getString("amount")).isEqualTo("5000");

    // a reward to a customer's card: the POS read its tap and pays the card's LNURL-pay
    JsonObject customer = f.issue(store, 100_000, 500_000);
    String lnurlp = Lnurl.encode("http://localhost:" + gw.gateway().httpPort() + "/boltcard/pay?p="
        + CardFixture.simulator(customer).p(7));
    Http.Response reward = claim(ppId, lnurlp, "1000");
    assertThat(reward.status()).as(reward.toString()).isEqualTo(200);
    assertThat(reward.json().getString("state")).isEqualTo("Completed");
    assertThat(f.card(customer.getString("id"))).isEqualTo(1_000);
    assertThat(f.ledger("store:" + store)).isEqualTo(9_000);

    // a BOLT11 payout, paid through the LND simulator
    Http.Response ln = claim(ppId, CardLnurlTest.foreignInvoice(2_000_000, Bolt11Network.REGTEST), "2000");
    assertThat(ln.status()).as(ln.toString()).isEqualTo(200);
    assertThat(ln.json().getString("state")).isEqualTo("Completed");
    assertThat(f.ledger("store:" + store)).isEqualTo(7_000);
    assertThat(f.ledger("payouts-in-flight")).isZero();

    // past the pull payment's amount: 422, nothing written
    long payouts = gw.count("payouts");
    Http.Response over = claim(ppId, lnurlp, "2001");
    assertThat(over.status()).isEqualTo(422);
    assertThat(gw.count("payouts")).isEqualTo(payouts);
    assertThat(claim(ppId, "not-a-destination", "1").status()).isEqualTo(422);

    assertThat(http.get("/api/v1/pull-payments/" + ppId + "/payouts", null).array()).hasSize(2);
    assertThat(http.get("/api/v1/stores/" + store + "/pull-payments", CardFixture.ADMIN).array()).hasSize(1);
  }

  @Test
  void claimsWaitForApprovalUnlessAutoApproved() {
    JsonObject pp = pullPayment("0.00003", "BTC", false);
    JsonObject customer = f.issue(store, 100_000, 500_000);
    String lnurlp = Lnurl.encode("http://localhost:" + gw.gateway().httpPort() + "/boltcard/pay?p="
        + CardFixture.simulator(customer).p(1));
    JsonObject claimed = claim(pp.getString("id"), lnurlp, "0.00002").json();
    assertThat(claimed.getString("state")).isEqualTo("AwaitingApproval");
    assertThat(f.card(customer.getString("id"))).isZero();
    String viewer = gw.createKey("btcpay.store.canviewpayouts:" + store);
    assertThat(http.post("/api/v1/stores/" + store + "/payouts/" + claimed.getString("id"), "{}", viewer).status())
        .isEqualTo(403);
    Http.Response approved = http.post("/api/v1/stores/" + store + "/payouts/" + claimed.getString("id"), "{}",
        CardFixture.ADMIN);
    assertThat(approved.json().getString("state")).isEqualTo("Completed");
    assertThat(f.card(customer.getString("id"))).isEqualTo(2_000);
    assertThat(http.post("/api/v1/stores/" + store + "/payouts/" + claimed.getString("id"), "{}", CardFixture.ADMIN)
        .status()).isEqualTo(400);

    JsonObject second = claim(pp.getString("id"), lnurlp, "0.00001").json();
    Http.Response marked = http.post("/api/v1/stores/" + store + "/payouts/" + second.getString("id") + "/mark-paid",
        "{}", CardFixture.ADMIN);
    assertThat(marked.json().getString("state")).isEqualTo("Completed");
    assertThat(f.card(customer.getString("id"))).isEqualTo(2_000); // paid by other means: nothing moves here
  }

  @Test
  void aClaimToAnLnurlPayIsPaidOnlyIfItsInvoiceCommitsToTheMetadataAndTheAmount() {
    String ppId = pullPayment("5000", "SATS", true).getString("id");
    long payouts = gw.count("payouts");
    for (String[] bad : new String[][] {
        {wallets.address("memo"), "has no description_hash"},
        {wallets.address("otherhash"), "description_hash is not the SHA-256 of the service's metadata"},
        {Lnurl.encode(wallets.url("otherhash")), "description_hash is not the SHA-256 of the service's metadata"},
        {wallets.address("amount"), "must be for exactly 2000000 msat"}}) {
      Http.Response r = claim(ppId, bad[0], "2000");
      assertThat(r.status()).as(bad[0] + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).isEqualTo("destination");
      assertThat(r.array().getJsonObject(0).getString("message")).contains(bad[1]);
      assertThat(gw.count("payouts")).isEqualTo(payouts);
      assertThat(gw.sql("SELECT 1 FROM lightning_payouts WHERE payment_hash = $1",
          Bolt11.decode(wallets.lastInvoice()).paymentHashHex())).isEmpty();
      assertThat(f.ledger("store:" + store)).isEqualTo(10_000);
    }

    Http.Response good = claim(ppId, wallets.address("good"), "2000");
    assertThat(good.status()).as(good.toString()).isEqualTo(200);
    assertThat(good.json().getString("state")).isEqualTo("Completed");
    assertThat(gw.sql("SELECT status, amount_msat FROM lightning_payouts WHERE payment_hash = $1",
        Bolt11.decode(wallets.lastInvoice()).paymentHashHex())).singleElement()
        .satisfies(row -> assertThat(row.getString("status")).isEqualTo("succeeded"))
        .satisfies(row -> assertThat(row.getLong("amount_msat")).isEqualTo(2_000_000L));
    assertThat(f.ledger("store:" + store)).isEqualTo(8_000);
  }
}
