package me.flashapp.gateway.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recording a payment with the invoice's payments read in the lock's flight ({@link Settlement.Before}). */
class SettlementTest {
  static final String METHOD = "BTC-CHAIN";
  static TestGateway gw;
  static Pool pool;
  static Settlement settlement;
  static String store;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    pool = gw.gateway().database().pool();
    settlement = new Settlement(pool, gw.gateway().invoices(), gw.clock);
    store = gw.createStore("settlement");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String invoice(long sats) {
    var r = gw.http().post("/api/v1/stores/" + store + "/invoices",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), TestGateway.ADMIN_KEY);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("id");
  }

  private static DetectedPayment payment(String id, String invoiceId, long sats) {
    return new DetectedPayment(METHOD, id, invoiceId, sats, PaymentFact.FINAL, gw.clock.instant(), "bcrt1qtest", null);
  }

  /** Locks the invoice and reads its payments in one flight, then records {@code p} with them. */
  private static boolean record(DetectedPayment p) {
    String sql = Settlement.paymentsBeforeSql("SELECT $1::text");
    return TestGateway.await(pool.withTransaction(tx -> {
      var locked = InvoiceRepository.lock(tx, p.invoiceId());
      var before = Settlement.paymentsBefore(tx, sql, Tuple.of(p.invoiceId(), METHOD, p.paymentId()));
      return io.vertx.core.Future.all(locked, before)
          .compose(x -> settlement.record(tx, locked.result(), before.result(), p));
    }));
  }

  private static String status(String invoiceId) {
    return gw.sql("SELECT status || '/' || additional_status AS s FROM invoices WHERE id = $1", invoiceId).get(0)
        .getString("s");
  }

  private static long events(String invoiceId) {
    return gw.sql("SELECT count(*) AS n FROM outbox_events WHERE invoice_id = $1", invoiceId).get(0).getLong("n");
  }

  @Test
  void thePaymentsReadUnderTheLockDecideTheInvoiceAndAReplayWritesNothing() {
    String inv = invoice(1000);
    assertThat(record(payment("a-0", inv, 400))).isTrue();
    assertThat(status(inv)).isEqualTo("New/PaidPartial");
    assertThat(record(payment("b-0", inv, 700))).isTrue(); // with the first one read back: 1,100 of 1,000
    assertThat(status(inv)).isEqualTo("Settled/PaidOver");
    long written = events(inv);
    assertThat(record(payment("b-0", inv, 700))).isFalse();
    assertThat(events(inv)).isEqualTo(written);
    assertThat(gw.sql("SELECT value_sats FROM invoice_payments WHERE invoice_id = $1 ORDER BY id", inv))
        .extracting(r -> r.getLong("value_sats")).containsExactly(400L, 700L);
  }

  /** A caller that claims a payment is new when it is not: the transaction fails, with nothing of it kept. */
  @Test
  void aPaymentRecordedBehindTheLocksBackRollsTheTransactionBack() {
    String inv = invoice(1000);
    assertThat(record(payment("c-0", inv, 1000))).isTrue();
    long written = events(inv);
    assertThatThrownBy(() -> TestGateway.await(pool.withTransaction(tx -> InvoiceRepository.lock(tx, inv)
        .compose(locked -> settlement.record(tx, locked, new Settlement.Before(List.of(), false),
            payment("c-0", inv, 1000))))))
        .hasMessageContaining("recorded outside the invoice's lock");
    assertThat(events(inv)).isEqualTo(written);
    assertThat(status(inv)).isEqualTo("Settled/None");
  }

  /**
   * A payment that settles its invoice: its events and the status events it leads to, in this
   * order, written by one statement (rows one statement inserts share its command id, cmin).
   */
  @Test
  void aPaymentAndTheStatusItLeadsToAreWrittenByOneStatementInOrder() {
    String inv = invoice(1000);
    assertThat(record(payment("d-0", inv, 1000))).isTrue();
    var rows = gw.sql("SELECT type, cmin::text::int AS cmd FROM outbox_events WHERE invoice_id = $1"
        + " AND type <> 'InvoiceCreated' ORDER BY id", inv);
    assertThat(rows).extracting(r -> r.getString("type")).containsExactly("InvoiceReceivedPayment",
        "InvoicePaymentSettled", "InvoiceProcessing", "InvoiceSettled");
    assertThat(rows).extracting(r -> r.getInteger("cmd")).containsOnly(rows.get(0).getInteger("cmd"));
    assertThat(gw.sql("SELECT o.type FROM outbox_events o JOIN outbox_unnumbered u ON u.event_id = o.id"
        + " WHERE o.invoice_id = $1 UNION ALL SELECT o.type FROM outbox_events o JOIN outbox_numbers n"
        + " ON n.event_id = o.id WHERE o.invoice_id = $1", inv))
        .hasSize(5); // InvoiceCreated too: each queued or numbered once
  }
}
