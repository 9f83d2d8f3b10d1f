package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.LedgerInvariants;
import me.flashapp.gateway.testing.TestGateway;

/** Shared steps of the card payment tests: issue, top up, invoices, balances, the ledger check. */
final class CardFixture {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final String MASTER = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  private static final AtomicInteger UIDS = new AtomicInteger(0x5000);

  final TestGateway gw;
  final Http http;

  CardFixture(TestGateway gw) {
    this.gw = gw;
    this.http = gw.http();
  }

  static TestGateway startGateway() {
    return TestGateway.start(java.util.Map.of("cardMasterKey", MASTER));
  }

  static String nextUid() {
    return String.format("04%012x", UIDS.incrementAndGet());
  }

  JsonObject issue(String store, long perTx, long daily) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/cards", new JsonObject().put("uid", nextUid())
        .put("label", "Card").put("limits", new JsonObject().put("perTransaction", perTx).put("daily", daily))
        .encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static CardSimulator simulator(JsonObject card) {
    return new CardSimulator(card.getString("uid"), card.getString("k1"), card.getString("k2"));
  }

  /** A top-up invoice paid by a payment as the chain listener would report it. */
  void topUp(String store, String cardId, long sats) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/cards/" + cardId + "/topups",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String invoiceId = r.json().getString("id");
    assertThat(TestGateway.await(new Settlement(gw.gateway().database().pool(), gw.gateway().invoices(), gw.clock)
        .record(new DetectedPayment("BTC-CHAIN", UUID.randomUUID().toString().replace("-", "") + "-0", invoiceId, sats,
            PaymentFact.FINAL, gw.clock.instant(), "bcrt1qtest", null)))).isTrue();
  }

  /** Brings {@code sats} into the store's ledger balance as customers do: a card topped up, then tapped to pay. */
  void fundStore(String store, long sats) {
    JsonObject card = issue(store, sats, sats);
    CardSimulator sim = simulator(card);
    topUp(store, card.getString("id"), sats);
    String inv = invoice(store, sats).getString("id");
    assertThat(TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, inv, sim.p(1), sim.c(1), null,
        null))).isSettled()).isTrue();
  }

  JsonObject invoice(String store, long sats) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** Brings {@code sats} into the store's ledger account: a card topped up with 50,000 pays an invoice of it. */
  void cardPayment(String store, long sats) {
    JsonObject payer = issue(store, 100_000, 500_000);
    topUp(store, payer.getString("id"), 50_000);
    String inv = invoice(store, sats).getString("id");
    CardSimulator sim = simulator(payer);
    assertThat(TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, inv, sim.p(1), sim.c(1), null, null)))
        .isSettled()).isTrue();
  }

  String invoiceStatus(String store, String id) {
    return http.get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json().getString("status");
  }

  long ledger(String account) {
    return LedgerInvariants.balance(gw, account);
  }

  long card(String cardId) {
    return ledger("card:" + cardId);
  }

  /** After every test: each journal sums to zero, all lines sum to zero, balances match the lines. */
  void assertLedgerBalanced() {
    LedgerInvariants.assertHold(gw);
  }
}
