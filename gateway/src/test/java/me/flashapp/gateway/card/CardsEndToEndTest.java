package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.LedgerInvariants;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flash Cards over HTTP and the real database: issue, top up, tap to pay, declines, concurrency. */
class CardsEndToEndTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final String MASTER = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  static final AtomicInteger UIDS = new AtomicInteger(0x100);
  static TestGateway gw;
  static Http http;
  static Pool pool;
  static String store;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(java.util.Map.of("cardMasterKey", MASTER));
    http = gw.http();
    pool = gw.gateway().database().pool();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void freshStoreAndRateLimits() {
    store = gw.createStore("Cafe"); // each test reads its own merchant account
    gw.clock.advance(Duration.ofSeconds(30)); // token buckets refill on the gateway's clock
  }

  @AfterEach
  void everyJournalSumsToZeroAndBalancesMatchTheLines() {
    LedgerInvariants.assertHold(gw);
  }

  // --- helpers -------------------------------------------------------------------------------

  static String nextUid() {
    return String.format("04%012x", UIDS.incrementAndGet());
  }

  static JsonObject issue(String uid, long perTx, long daily) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/cards", new JsonObject().put("uid", uid)
        .put("label", "Card " + uid).put("limits", new JsonObject().put("perTransaction", perTx).put("daily", daily))
        .encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static CardSimulator simulator(JsonObject card) {
    return new CardSimulator(card.getString("uid"), card.getString("k1"), card.getString("k2"));
  }

  /** Tops a card up the honest way: a top-up invoice, paid by a payment the chain listener would report. */
  static void topUp(String cardId, long sats) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/cards/" + cardId + "/topups",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String invoiceId = r.json().getString("id");
    boolean recorded = TestGateway.await(new Settlement(pool, gw.gateway().invoices(), gw.clock)
        .record(new DetectedPayment("BTC-CHAIN", UUID.randomUUID().toString().replace("-", "") + "-0", invoiceId, sats,
            PaymentFact.FINAL, gw.clock.instant(), "bcrt1qtest", null)));
    assertThat(recorded).isTrue();
    assertThat(http.get("/api/v1/stores/" + store + "/invoices/" + invoiceId, ADMIN).json().getString("status"))
        .isEqualTo("Settled");
  }

  static String invoice(long sats) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("id");
  }

  static TapResult tap(String invoiceId, CardSimulator card, int counter) {
    return tap(invoiceId, card.p(counter), card.c(counter));
  }

  static TapResult tap(String invoiceId, String p, String c) {
    return TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, invoiceId, p, c, null, "10.0.0.1")));
  }

  static long balance(String cardId) {
    return http.get("/api/v1/stores/" + store + "/cards/" + cardId, ADMIN).json().getLong("balance");
  }

  static long ledger(String account) {
    return LedgerInvariants.balance(gw, account);
  }

  static String invoiceStatus(String id) {
    return http.get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json().getString("status");
  }

  // --- tests ---------------------------------------------------------------------------------

  @Test
  void issuesCardsWithKeysDerivedFromTheSealedIssuerKey() {
    String uid = nextUid();
    JsonObject card = issue(uid.toUpperCase(), 10_000, 50_000);
    assertThat(card.getString("uid")).isEqualTo(uid);
    assertThat(card.getInteger("version")).isEqualTo(1);
    assertThat(card.getLong("balance")).isZero();
    assertThat(card.getString("lnurlw")).startsWith("lnurlw://localhost:").endsWith("/boltcard");

    byte[] sealed = HexFormat.of().parseHex(gw.sql("SELECT encode(sealed_key, 'hex') AS k FROM card_issuer_keys")
        .get(0).getString("k"));
    byte[] issuerKey = new KeyVault(HexFormat.of().parseHex(MASTER))
        .open(sealed, "card-issuer:default".getBytes(StandardCharsets.UTF_8));
    BoltCardKeys keys = BoltCardKeys.derive(issuerKey, HexFormat.of().parseHex(uid), 1);
    HexFormat hex = HexFormat.of();
    assertThat(card.getString("k0")).isEqualTo(hex.formatHex(keys.k0()));
    assertThat(card.getString("k1")).isEqualTo(hex.formatHex(keys.k1()));
    assertThat(card.getString("k2")).isEqualTo(hex.formatHex(keys.k2()));
    assertThat(card.getString("k3")).isEqualTo(hex.formatHex(keys.k3()));
    assertThat(card.getString("k4")).isEqualTo(hex.formatHex(keys.k4()));

    // reads never hand out keys; the list has integer balances
    JsonObject read = http.get("/api/v1/stores/" + store + "/cards/" + card.getString("id"), ADMIN).json();
    assertThat(read.containsKey("k2")).isFalse();
    assertThat(http.get("/api/v1/stores/" + store + "/cards", ADMIN).array().getJsonObject(0).getValue("balance"))
        .isInstanceOf(Number.class);

    // duplicate UID, bad hex, missing permission
    Http.Response dup = http.post("/api/v1/stores/" + store + "/cards", new JsonObject().put("uid", uid).encode(), ADMIN);
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().getString("code")).isEqualTo("card-uid-exists");
    assertThat(http.post("/api/v1/stores/" + store + "/cards", "{\"uid\":\"04zz\"}", ADMIN).status()).isEqualTo(422);
    String viewer = gw.createKey("btcpay.store.canviewstoresettings:" + store);
    assertThat(http.post("/api/v1/stores/" + store + "/cards", new JsonObject().put("uid", nextUid()).encode(), viewer)
        .status()).isEqualTo(403);
    assertThat(http.get("/api/v1/stores/" + store + "/cards", viewer).status()).isEqualTo(200);

    // PUT changes label and limits; DELETE retires, returns the wipe keys and bumps the version
    JsonObject put = http.put("/api/v1/stores/" + store + "/cards/" + card.getString("id"),
        "{\"label\":\"Renamed\",\"enabled\":false,\"limits\":{\"daily\":7000}}", ADMIN).json();
    assertThat(put.getString("label")).isEqualTo("Renamed");
    assertThat(put.getBoolean("enabled")).isFalse();
    assertThat(put.getJsonObject("limits").getLong("daily")).isEqualTo(7000);
    JsonObject retired = http.delete("/api/v1/stores/" + store + "/cards/" + card.getString("id"), ADMIN).json();
    assertThat(retired.getString("k0")).isEqualTo(hex.formatHex(keys.k0()));
    assertThat(http.get("/api/v1/stores/" + store + "/cards/" + card.getString("id"), ADMIN).status()).isEqualTo(404);
    JsonObject reissued = issue(uid, 10_000, 50_000);
    assertThat(reissued.getInteger("version")).isEqualTo(2);
    assertThat(reissued.getString("k2")).isNotEqualTo(card.getString("k2"));
  }

  @Test
  void topUpThenTapToPayThenReplaysAndForgeriesAreDeclined() {
    JsonObject card = issue(nextUid(), 100_000, 500_000);
    String cardId = card.getString("id");
    CardSimulator sim = simulator(card);
    topUp(cardId, 50_000);
    assertThat(balance(cardId)).isEqualTo(50_000);

    String inv = invoice(1_234);
    TapResult paid = tap(inv, sim, 1);
    assertThat(paid.status()).isEqualTo("settled");
    assertThat(invoiceStatus(inv)).isEqualTo("Settled");
    assertThat(balance(cardId)).isEqualTo(48_766);
    assertThat(ledger("store:" + store)).isEqualTo(1_234);
    assertThat(gw.sql("SELECT id FROM invoice_payments WHERE payment_method_id = 'FLASH-CARD' AND invoice_id = $1", inv))
        .extracting(j -> j.getString("id")).containsExactly(cardId + ":1");
    assertThat(gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1 ORDER BY id", inv))
        .extracting(j -> j.getString("type")).contains("InvoiceReceivedPayment", "InvoiceSettled");

    String inv2 = invoice(1_000);
    assertThat(tap(inv2, sim, 1).reason()).isEqualTo("counter-replay");                    // the same tap again
    assertThat(tap(inv2, sim.p(2), "0000000000000000").reason()).isEqualTo("bad-signature"); // forged c
    // declined inside the tap's transaction, after the card's row was locked: rolled back, so the
    // forged tap consumed nothing (the card still stands at counter 1) and locked nothing
    assertThat(gw.sql("SELECT counter FROM cards WHERE id = $1", cardId).get(0).getInteger("counter")).isEqualTo(1);
    assertThat(tap(inv2, "00".repeat(16), sim.c(2)).reason()).isEqualTo("invalid-tap");      // not our K1
    assertThat(tap(inv2, sim, 5).status()).isEqualTo("settled");
    String inv3 = invoice(1_000);
    assertThat(tap(inv3, sim, 3).reason()).isEqualTo("counter-replay");                    // older counter
    assertThat(invoiceStatus(inv3)).isEqualTo("New");
    assertThat(balance(cardId)).isEqualTo(47_766);

    assertThat(http.get("/api/v1/stores/" + store + "/cards/" + cardId + "/transactions", ADMIN).array())
        .extracting(o -> ((JsonObject) o).getLong("amount")).containsExactly(-1_000L, -1_234L, 50_000L);
    assertThat(gw.sql("SELECT reason FROM card_taps WHERE card_id = $1 AND status = 'declined'", cardId)).hasSize(3);

    // the balance page verifies the SUN but does not consume the counter: counter 6 still pays afterwards
    Http.Response page = http.get("/boltcards/balance?p=" + sim.p(6) + "&c=" + sim.c(6), null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<dt>47,766 SATS</dt>");
    Http.Response json = http.send("GET", "/boltcards/balance?p=" + sim.p(6) + "&c=" + sim.c(6), null, null,
        java.util.Map.of("Accept", "application/json"));
    assertThat(json.json().getLong("balance")).isEqualTo(47_766);
    assertThat(http.get("/boltcards/balance?p=" + sim.p(6) + "&c=0000000000000000", null).status()).isEqualTo(400);
    assertThat(tap(invoice(766), sim, 6).status()).isEqualTo("settled");
    assertThat(balance(cardId)).isEqualTo(47_000);
  }

  @Test
  void overTheDailyLimitIsDeclined() {
    JsonObject card = issue(nextUid(), 2_000, 2_000);
    CardSimulator sim = simulator(card);
    topUp(card.getString("id"), 10_000);
    assertThat(tap(invoice(1_234), sim, 1).status()).isEqualTo("settled");
    assertThat(tap(invoice(1_234), sim, 2).reason()).isEqualTo("over-daily-limit");
    assertThat(tap(invoice(2_001), sim, 3).reason()).isEqualTo("over-transaction-limit");
    gw.clock.advance(Duration.ofDays(1)); // a new UTC day
    assertThat(tap(invoice(1_234), sim, 4).status()).isEqualTo("settled");
    assertThat(balance(card.getString("id"))).isEqualTo(10_000 - 2 * 1_234);
  }

  @Test
  void aBalanceTooLowIsDeclinedAndWritesNothingButTheAuditRow() {
    JsonObject card = issue(nextUid(), 100_000, 500_000);
    CardSimulator sim = simulator(card);
    topUp(card.getString("id"), 1_000);
    String inv = invoice(1_234);
    long journals = gw.count("ledger_journals");
    long payments = gw.count("invoice_payments");
    long events = gw.count("outbox_events");
    long taps = gw.count("card_taps");
    assertThat(tap(inv, sim, 1).reason()).isEqualTo("insufficient-balance");
    assertThat(gw.count("ledger_journals")).isEqualTo(journals);
    assertThat(gw.count("invoice_payments")).isEqualTo(payments);
    assertThat(gw.count("outbox_events")).isEqualTo(events);
    assertThat(gw.count("card_taps")).isEqualTo(taps + 1);
    assertThat(gw.sql("SELECT counter FROM cards WHERE id = $1", card.getString("id")).get(0).getInteger("counter"))
        .isZero();
    assertThat(invoiceStatus(inv)).isEqualTo("New");
    assertThat(balance(card.getString("id"))).isEqualTo(1_000);
  }

  @Test
  void aTopUpMarkedSettledWithNothingPaidCreditsNothing() {
    JsonObject card = issue(nextUid(), 100_000, 500_000);
    String id = http.post("/api/v1/stores/" + store + "/cards/" + card.getString("id") + "/topups",
        "{\"amount\":\"5000\",\"currency\":\"SATS\"}", ADMIN).json().getString("id");
    assertThat(http.post("/api/v1/stores/" + store + "/invoices/" + id + "/status", "{\"status\":\"Settled\"}", ADMIN)
        .status()).isEqualTo(200);
    assertThat(balance(card.getString("id"))).isZero();
  }

  @Test
  void concurrentTapsNeverOverdraw() {
    JsonObject card = issue(nextUid(), 100_000, 500_000);
    String cardId = card.getString("id");
    CardSimulator sim = simulator(card);
    topUp(cardId, 10_000);
    int n = 8;
    List<String> invoices = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      invoices.add(invoice(1_500));
    }
    List<Future<TapResult>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(gw.gateway().cardTaps().pay(new TapRequest(store, invoices.get(i), sim.p(i + 1), sim.c(i + 1), null, null)));
    }
    TestGateway.await(Future.all(all));
    long accepted = all.stream().filter(f -> f.result().isSettled()).count();
    assertThat(accepted).isBetween(1L, 6L);
    assertThat(balance(cardId)).isEqualTo(10_000 - 1_500 * accepted).isNotNegative();
    assertThat(gw.sql("SELECT count(*) AS n FROM invoices WHERE id = ANY($1) AND status = 'Settled'",
        (Object) invoices.toArray(String[]::new)).get(0).getLong("n")).isEqualTo(accepted);
  }
}
