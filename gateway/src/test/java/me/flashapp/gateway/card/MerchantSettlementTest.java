package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Lnurl;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Merchant settlement: the store's balance from card payments is paid to its Lightning address, on
 * request (once, however many requests race) and by the periodic pass (every second here), but
 * only on an invoice that commits to the service's metadata and is for the amount (LUD-06).
 */
class MerchantSettlementTest {
  static TestGateway gw;
  static CardFixture f;
  static LnurlPayService wallets;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("cardMasterKey", CardFixture.MASTER, "settlementIntervalSeconds", "1"));
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
        .put("destination", wallets.address("good")).put("thresholdSats", 100_000).encode(), CardFixture.ADMIN);
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
    List<String> issued = wallets.issued();
    String pr = issued.get(issued.size() - 1);
    assertThat(gw.sql("SELECT status, amount_msat FROM lightning_payouts WHERE payment_hash = $1",
        Bolt11.decode(pr).paymentHashHex())).singleElement()
        .satisfies(r -> assertThat(r.getString("status")).isEqualTo("succeeded"))
        .satisfies(r -> assertThat(r.getLong("amount_msat")).isEqualTo(7_404_000L));

    // nothing left: nothing to settle
    assertThat(http.post("/api/v1/stores/" + store + "/settlements", "{}", CardFixture.ADMIN).json()
        .getString("status")).isEqualTo("nothing-to-settle");
  }

  @Test
  void concurrentSettlementsOfOneStorePayItsBalanceExactlyOnce() throws Exception {
    String store = gw.createStore("Rush");
    String path = "/api/v1/stores/" + store + "/settlements";
    assertThat(gw.http().put("/api/v1/stores/" + store + "/settlement-config", new JsonObject()
        .put("destination", wallets.address("good")).encode(), CardFixture.ADMIN).status()).isEqualTo(200);
    f.fundStore(store, 5_000);
    int before = wallets.issued().size();

    int n = 10;
    ExecutorService clients = Executors.newFixedThreadPool(n);
    List<Http.Response> answers = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Http.Response>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(clients.submit(() -> {
          go.await();
          return gw.http().post(path, "{}", CardFixture.ADMIN);
        }));
      }
      go.countDown();
      for (Future<Http.Response> p : pending) {
        answers.add(p.get());
      }
    } finally {
      clients.shutdownNow();
    }

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
    List<JsonObject> payouts = answers.stream().map(Http.Response::json).filter(j -> j.containsKey("state")).toList();
    assertThat(payouts).singleElement().satisfies(p -> {
      assertThat(p.getString("state")).isEqualTo("Completed");
      assertThat(p.getString("amount")).isEqualTo("5000");
    });
    assertThat(answers.stream().map(Http.Response::json).filter(j -> "nothing-to-settle".equals(j.getString("status"))))
        .hasSize(n - 1);
    String payoutId = payouts.get(0).getString("id");
    assertThat(gw.sql("SELECT id, state, amount_sats FROM payouts WHERE store_id = $1", store)).singleElement()
        .satisfies(r -> assertThat(r.getString("id")).isEqualTo(payoutId))
        .satisfies(r -> assertThat(r.getString("state")).isEqualTo("Completed"))
        .satisfies(r -> assertThat(r.getLong("amount_sats")).isEqualTo(5_000L));
    assertThat(f.ledger("store:" + store)).isZero();
    assertThat(gw.sql("SELECT count(*) AS n FROM ledger_lines WHERE account = $1 AND amount_sats < 0", "store:" + store)
        .get(0).getLong("n")).isEqualTo(1);
    assertThat(f.ledger("payouts-in-flight")).isZero();

    // The simulator was asked to pay exactly one of the invoices the wallet issued to the racing requests.
    List<String> offered = wallets.issued().subList(before, wallets.issued().size());
    var router = gw.gateway().lightning().simulator().router();
    assertThat(offered.stream().mapToInt(pr -> router.acceptedAttempts(Bolt11.decode(pr).paymentHashHex())).sum())
        .isEqualTo(1);
    assertThat(gw.sql("SELECT status, amount_msat FROM lightning_payouts WHERE id = $1", "payout:" + payoutId))
        .singleElement().satisfies(r -> assertThat(r.getString("status")).isEqualTo("succeeded"))
        .satisfies(r -> assertThat(r.getLong("amount_msat")).isEqualTo(5_000_000L));
  }

  @Test
  void paysStoresAtTheirThresholdAndSkipsTheRest() throws Exception {
    int closedPort = TestGateway.closedPort();
    // Configured first, so each pass tries it (and fails: connection refused) before the due store.
    String unreachable = configuredStore("Unreachable", "merchant@127.0.0.1:" + closedPort, 1_000);
    f.fundStore(unreachable, 2_000);
    String under = configuredStore("Under", wallets.address("good"), 100_000);
    f.fundStore(under, 3_000);
    String due = configuredStore("Due", wallets.address("good"), 4_000);
    f.fundStore(due, 4_000);

    List<JsonObject> paid = Eventually.get("the due store paid out by the periodic pass", () -> {
      List<JsonObject> rows = gw.sql("SELECT state, amount_sats FROM payouts WHERE store_id = $1", due);
      return rows.size() == 1 && "Completed".equals(rows.get(0).getString("state")) ? rows : null;
    });
    assertThat(paid.get(0).getLong("amount_sats")).isEqualTo(4_000L);
    assertThat(f.ledger("store:" + due)).isZero();
    assertThat(f.ledger("payouts-in-flight")).isZero();

    assertThat(f.ledger("store:" + under)).isEqualTo(3_000L);
    assertThat(gw.sql("SELECT id FROM payouts WHERE store_id = $1", under)).isEmpty();
    assertThat(f.ledger("store:" + unreachable)).isEqualTo(2_000L);
    assertThat(gw.sql("SELECT id FROM payouts WHERE store_id = $1", unreachable)).isEmpty();
    // on request only from now on: the other tests' passes need not retry it
    assertThat(gw.http().put("/api/v1/stores/" + unreachable + "/settlement-config", new JsonObject()
        .put("destination", wallets.address("good")).encode(), CardFixture.ADMIN).status()).isEqualTo(200);
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

  private static String configuredStore(String name, String destination, long thresholdSats) {
    String store = gw.createStore(name);
    Http.Response r = gw.http().put("/api/v1/stores/" + store + "/settlement-config", new JsonObject()
        .put("destination", destination).put("thresholdSats", thresholdSats).encode(), CardFixture.ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    gw.clock.advance(Duration.ofSeconds(1)); // configurations get distinct times: the pass goes oldest first
    return store;
  }
}
