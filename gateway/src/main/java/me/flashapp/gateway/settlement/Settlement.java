package me.flashapp.gateway.settlement;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.events.InvoiceEvents;
import me.flashapp.gateway.events.Outbox;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.PaymentFact;

/**
 * Applies what the listeners detect, each in one PostgreSQL transaction: lock the invoice, record
 * or update the payment, write its events, let the state machine re-decide the invoice.
 *
 * <p>Exactly once: a payment is unique by (method, id). Recording one that is already there
 * changes nothing and reports {@code false}; replayed notifications are harmless.
 */
public final class Settlement {
  static final String INSERT = "INSERT INTO invoice_payments (payment_method_id, id, invoice_id, value_sats, valid,"
      + " confirmations, received_at, details) VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7::text::jsonb)"
      + " ON CONFLICT (payment_method_id, id) DO NOTHING";
  static final String FIND = "SELECT invoice_id, value_sats, valid, confirmations, received_at,"
      + " details->>'destination' AS destination FROM invoice_payments WHERE payment_method_id = $1 AND id = $2";
  static final String UPDATE = "UPDATE invoice_payments SET confirmations = $3, valid = $4"
      + " WHERE payment_method_id = $1 AND id = $2";

  private final Pool pool;
  private final InvoiceService invoices;
  private final Clock clock;

  public Settlement(Pool pool, InvoiceService invoices, Clock clock) {
    this.pool = pool;
    this.invoices = invoices;
    this.clock = clock;
  }

  /** Records a payment; true if it is new, false if it was already recorded (or its invoice is unknown). */
  public Future<Boolean> record(DetectedPayment p) {
    return Transactions.run(pool, tx -> record(tx, p));
  }

  /**
   * As {@link #record(DetectedPayment)} but in the caller's transaction, for detectors whose own
   * writes must commit with the payment (a card tap's ledger journal).
   */
  public Future<Boolean> record(SqlConnection tx, DetectedPayment p) {
    return InvoiceRepository.lock(tx, p.invoiceId())
        .compose(inv -> inv == null ? Future.succeededFuture(false) : record(tx, inv, p));
  }

  /**
   * As {@link #record(SqlConnection, DetectedPayment)} for an invoice the caller has already locked
   * in {@code tx} (a card tap reads it to know what is due).
   */
  public Future<Boolean> record(SqlConnection tx, Invoice inv, DetectedPayment p) {
    // The insert and the read of the payments go out together; the read sees the insert (same
    // transaction, executed in order) and the locked invoice's payments cannot change under us.
    Future<Boolean> inserted = insert(tx, p);
    Future<List<PaymentFact>> facts = InvoiceRepository.paymentFacts(tx, inv.id());
    return inserted.compose(isNew -> !isNew ? Future.succeededFuture(false)
        : facts.compose(f -> invoices.reevaluate(tx, inv, f, received(inv, p, f)).map(true)));
  }

  /**
   * An invoice's payments as read under its lock, before the one being recorded
   * ({@link #paymentsBefore}), and whether that one is among them already.
   */
  public record Before(List<PaymentFact> payments, boolean recorded) {}

  /**
   * The statement reading {@link Before} for the invoice that {@code idQuery} (one row, one column,
   * parameter $1) selects: the payment being recorded is ($2 method, $3 id). Send it in the flight
   * that locks the invoice, behind the lock: it then reads what the lock's previous holders
   * committed, and {@link #record(SqlConnection, Invoice, Before, DetectedPayment)} needs no read
   * of its own.
   */
  public static String paymentsBeforeSql(String idQuery) {
    return "SELECT " + InvoiceRepository.PAYMENT_FACT_COLUMNS + ", payment_method_id = $2 AND id = $3"
        + " FROM invoice_payments WHERE invoice_id = (" + idQuery + ")";
  }

  /** Runs a {@link #paymentsBeforeSql} statement. */
  public static Future<Before> paymentsBefore(SqlConnection tx, String sql, Tuple args) {
    return tx.preparedQuery(sql).execute(args).map(rows -> {
      List<PaymentFact> facts = new ArrayList<>(rows.size() + 1);
      boolean recorded = false;
      for (Row r : rows) {
        facts.add(InvoiceRepository.paymentFact(r));
        recorded |= r.getBoolean(4);
      }
      return new Before(facts, recorded);
    });
  }

  /**
   * As {@link #record(SqlConnection, Invoice, DetectedPayment)} with the invoice's payments
   * already read under its lock: the insert, its events and the invoice's new state all go out in
   * one flight, one round trip less. A payment {@code before} has is not recorded again (false).
   * {@code before} must come from the transaction that holds the lock (no payment of the invoice
   * can have been recorded since), so the insert cannot find the payment there; if it does all the
   * same, this fails and the transaction rolls back with the events sent beside it.
   */
  public Future<Boolean> record(SqlConnection tx, Invoice inv, Before before, DetectedPayment p) {
    if (before.recorded()) {
      return Future.succeededFuture(false);
    }
    List<PaymentFact> facts = new ArrayList<>(before.payments());
    // as the database keeps it: timestamps in microseconds
    facts.add(new PaymentFact(p.valueSats(), true, p.confirmations(), p.receivedAt().truncatedTo(ChronoUnit.MICROS)));
    Future<Boolean> inserted = insert(tx, p).map(isNew -> {
      if (!isNew) {
        throw new IllegalStateException("payment " + p.paymentMethodId() + " " + p.paymentId()
            + " recorded outside the invoice's lock");
      }
      return true;
    });
    Future<Invoice> decided = invoices.reevaluate(tx, inv, facts, received(inv, p, facts));
    return Future.all(inserted, decided).map(true);
  }

  /**
   * Sets a payment's confirmations (a new block, or a reorg taking them back). Emits
   * InvoicePaymentSettled when it reaches the invoice's speed policy, then re-decides the invoice.
   */
  public Future<Void> setConfirmations(String methodId, String paymentId, int confirmations) {
    return update(methodId, paymentId, confirmations, null);
  }

  /** Marks a payment invalid (double-spent, replaced, dropped by a reorg) or valid again. */
  public Future<Void> setValid(String methodId, String paymentId, boolean valid) {
    return update(methodId, paymentId, null, valid);
  }

  private Future<Void> update(String methodId, String paymentId, Integer confirmations, Boolean valid) {
    return Transactions.run(pool, tx -> tx.preparedQuery(FIND).execute(Tuple.of(methodId, paymentId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Row row = rows.iterator().next();
      String invoiceId = row.getString("invoice_id");
      int oldConfs = row.getInteger("confirmations");
      boolean oldValid = row.getBoolean("valid");
      int newConfs = confirmations == null ? oldConfs : confirmations;
      boolean newValid = valid == null ? oldValid : valid;
      if (newConfs == oldConfs && newValid == oldValid) {
        return Future.succeededFuture();
      }
      return InvoiceRepository.lock(tx, invoiceId).compose(inv -> tx.preparedQuery(UPDATE)
          .execute(Tuple.of(methodId, paymentId, newConfs, newValid))
          .compose(v -> InvoiceRepository.paymentFacts(tx, invoiceId))
          .compose(facts -> {
            int required = inv.speedPolicy().requiredConfirmations();
            boolean nowSettled = newValid && newConfs >= required && (oldConfs < required || !oldValid);
            if (!nowSettled) {
              return invoices.reevaluate(tx, inv, facts);
            }
            DetectedPayment p = new DetectedPayment(methodId, paymentId, invoiceId, row.getLong("value_sats"), newConfs,
                row.getOffsetDateTime("received_at").toInstant(), row.getString("destination"), null);
            return invoices.reevaluate(tx, inv, facts, List.of(event(inv, p, EventType.InvoicePaymentSettled, facts)));
          })
          .mapEmpty());
    }));
  }

  /** InvoiceReceivedPayment, and InvoicePaymentSettled with it if it is already final enough. */
  private List<Outbox.Event> received(Invoice inv, DetectedPayment p, List<PaymentFact> facts) {
    Outbox.Event first = event(inv, p, EventType.InvoiceReceivedPayment, facts);
    return p.confirmations() >= inv.speedPolicy().requiredConfirmations()
        ? List.of(first, event(inv, p, EventType.InvoicePaymentSettled, facts))
        : List.of(first);
  }

  /** A payment event; {@code facts} are the invoice's payments as they are now (for overPaid). */
  private Outbox.Event event(Invoice inv, DetectedPayment p, EventType type, List<PaymentFact> facts) {
    Instant now = clock.instant();
    String status = p.confirmations() >= inv.speedPolicy().requiredConfirmations() ? "Settled" : "Processing";
    String payment = InvoiceEvents.paymentJson(p.paymentId(), p.receivedAt(), p.valueSats(), status, p.destination());
    long paid = InvoiceService.paidSats(facts);
    boolean overPaid = !inv.isTopUp() && paid > inv.dueSats();
    boolean late = !p.receivedAt().isBefore(inv.expiresAt());
    return new Outbox.Event(inv.storeId(), type, inv.id(), InvoiceEvents.payment(type, now, inv.storeId(), inv.id(),
        inv.metadataJson(), late, p.paymentMethodId(), payment, overPaid), now);
  }

  /** Inserts the payment; false if it was there already. */
  private static Future<Boolean> insert(SqlConnection tx, DetectedPayment p) {
    String details = withDestination(p.detailsJson() == null ? "{}" : p.detailsJson(), p.destination());
    return tx.preparedQuery(INSERT).execute(Tuple.from(new Object[] {p.paymentMethodId(), p.paymentId(), p.invoiceId(),
        p.valueSats(), p.confirmations(), p.receivedAt().atOffset(ZoneOffset.UTC), details})).map(rs -> rs.rowCount() > 0);
  }

  private static String withDestination(String detailsJson, String destination) {
    io.vertx.core.json.JsonObject d = new io.vertx.core.json.JsonObject(detailsJson);
    if (destination != null) {
      d.put("destination", destination);
    }
    return d.encode();
  }
}
