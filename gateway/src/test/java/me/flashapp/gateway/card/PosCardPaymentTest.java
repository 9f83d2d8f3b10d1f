package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import me.flashapp.gateway.pos.PosCardPayments;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tap-to-pay over the POS WebSocket: the cardPayment message and its cardPaymentResult. */
class PosCardPaymentTest {
  static TestGateway gw;
  static CardFixture f;

  @BeforeAll
  static void start() {
    gw = CardFixture.startGateway();
    f = new CardFixture(gw);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void refillRateLimits() {
    gw.clock.advance(Duration.ofSeconds(30));
  }

  @AfterEach
  void ledgerBalanced() {
    f.assertLedgerBalanced();
  }

  static JsonObject tap(String requestId, String invoiceId, CardSimulator sim, int counter) {
    return new JsonObject().put("type", "cardPayment").put("requestId", requestId).put("invoiceId", invoiceId)
        .put("p", sim.p(counter)).put("c", sim.c(counter));
  }

  @Test
  void aTerminalTapsACardAndSeesTheResultAndTheSettledEvent() {
    String store = gw.createStore("Cafe");
    JsonObject card = f.issue(store, 100_000, 500_000);
    String cardId = card.getString("id");
    CardSimulator sim = CardFixture.simulator(card);
    f.topUp(store, cardId, 50_000);
    String inv = f.invoice(store, 1_234).getString("id");

    try (WsClient pos = WsClient.terminal(gw.gateway().httpPort(), store, CardFixture.ADMIN, null)) {
      pos.send(tap("r1", inv, sim, 1));
      JsonObject result = pos.next("cardPaymentResult");
      assertThat(result.getString("requestId")).isEqualTo("r1");
      assertThat(result.getString("status")).isEqualTo("settled");
      assertThat(result.containsKey("reason")).isFalse();
      while (true) { // the invoice's events reach the same socket
        JsonObject e = pos.next("event").getJsonObject("event");
        if (e.getString("invoiceId").equals(inv) && e.getString("type").equals("InvoiceSettled")) {
          break;
        }
      }
      assertThat(f.card(cardId)).isEqualTo(48_766);
      assertThat(f.ledger("store:" + store)).isEqualTo(1_234);

      // the same tap again, on a new invoice: declined, nothing moves
      String inv2 = f.invoice(store, 1_000).getString("id");
      pos.send(tap("r2", inv2, sim, 1));
      JsonObject replay = pos.next("cardPaymentResult");
      assertThat(replay.getString("requestId")).isEqualTo("r2");
      assertThat(replay.getString("status")).isEqualTo("declined");
      assertThat(replay.getString("reason")).isEqualTo("counter-replay");
      assertThat(f.invoiceStatus(store, inv2)).isEqualTo("New");

      // no requestId: an error frame, the socket stays open
      pos.send(new JsonObject().put("type", "cardPayment").put("invoiceId", inv2));
      assertThat(pos.next("error").getString("code")).isEqualTo("invalid-request-id");
      pos.send(new JsonObject().put("type", "ping").put("requestId", "p"));
      assertThat(pos.next("pong").getString("requestId")).isEqualTo("p");
    }
    assertThat(f.card(cardId)).isEqualTo(48_766);
  }

  @Test
  void eachAnsweredTapIsTimedByOutcome() {
    String store = gw.createStore("Cafe");
    JsonObject card = f.issue(store, 100_000, 500_000);
    CardSimulator sim = CardFixture.simulator(card);
    f.topUp(store, card.getString("id"), 5_000);
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    PosCardPayments payments = new PosCardPayments(gw.gateway().cardTaps(), meters);

    JsonObject paid = TestGateway.await(payments.pay(store, tap("t1", f.invoice(store, 1_000).getString("id"), sim, 1),
        "t1", null));
    JsonObject replayed = TestGateway.await(payments.pay(store, tap("t2", f.invoice(store, 1_000).getString("id"), sim,
        1), "t2", null));
    assertThat(paid.getString("status")).isEqualTo("settled");
    assertThat(replayed.getString("status")).isEqualTo("declined");
    // gateway_card_tap_seconds{status} at /metrics: issue 6's "tap received -> result frame" figure
    assertThat(meters.get("gateway.card.tap").tag("status", "settled").timer().count()).isEqualTo(1);
    assertThat(meters.get("gateway.card.tap").tag("status", "declined").timer().count()).isEqualTo(1);
    assertThat(meters.get("gateway.card.tap").tag("status", "error").timer().count()).isZero();
    assertThat(meters.get("gateway.card.tap").tag("status", "settled").timer().totalTime(
        java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void anotherStoresInvoiceIsDeclinedAndNothingIsWritten() {
    String store = gw.createStore("Cafe");
    String other = gw.createStore("Elsewhere");
    JsonObject card = f.issue(store, 100_000, 500_000);
    CardSimulator sim = CardFixture.simulator(card);
    f.topUp(store, card.getString("id"), 5_000);
    String foreign = f.invoice(other, 1_000).getString("id");
    long journals = gw.count("ledger_journals");
    long payments = gw.count("invoice_payments");
    try (WsClient pos = WsClient.terminal(gw.gateway().httpPort(), store, CardFixture.ADMIN, null)) {
      pos.send(tap("x", foreign, sim, 1));
      JsonObject result = pos.next("cardPaymentResult");
      assertThat(result.getString("status")).isEqualTo("declined");
      assertThat(result.getString("reason")).isEqualTo("invoice-not-found");
    }
    assertThat(gw.count("ledger_journals")).isEqualTo(journals);
    assertThat(gw.count("invoice_payments")).isEqualTo(payments);
    assertThat(f.invoiceStatus(other, foreign)).isEqualTo("New");
    assertThat(f.card(card.getString("id"))).isEqualTo(5_000);
    // the counter was not consumed: the same tap still pays an invoice of the card's own store
    String own = f.invoice(store, 1_000).getString("id");
    assertThat(TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, own, sim.p(1), sim.c(1), null, null)))
        .status()).isEqualTo("settled");
  }

  @Test
  void aViewOnlyKeyCannotTakeCardPayments() {
    String store = gw.createStore("Cafe");
    String viewer = gw.createKey("btcpay.store.canviewinvoices:" + store);
    JsonObject card = f.issue(store, 100_000, 500_000);
    try (WsClient pos = WsClient.terminal(gw.gateway().httpPort(), store, viewer, null)) {
      pos.send(tap("v", f.invoice(store, 10).getString("id"), CardFixture.simulator(card), 1));
      JsonObject err = pos.next("error");
      assertThat(err.getString("code")).isEqualTo("missing-permission");
      assertThat(err.getString("requestId")).isEqualTo("v");
    }
  }
}
