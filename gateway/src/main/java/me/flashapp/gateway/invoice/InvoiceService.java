package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.events.InvoiceEvents;
import me.flashapp.gateway.events.JsonWriter;
import me.flashapp.gateway.events.Outbox;
import me.flashapp.gateway.money.Currencies;
import me.flashapp.gateway.money.Pricing;
import me.flashapp.gateway.money.RateProvider;
import me.flashapp.gateway.money.Sats;
import me.flashapp.gateway.store.Store;

/**
 * Creates invoices and applies the state machine's verdicts. Every change writes its events to
 * the outbox in the same transaction.
 */
public final class InvoiceService {
  /** A price the rate table cannot quote. */
  public static final class UnsupportedCurrencyException extends IllegalArgumentException {
    UnsupportedCurrencyException(String currency) {
      super("no exchange rate for " + currency);
    }
  }

  private final Pool pool;
  private final RateProvider rates;
  private final Clock clock;
  private final PaymentMethods methods;
  private final InvoiceWriter writer;
  private final List<SettledListener> settledListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Code that must run in the transaction that moves an invoice to Settled (a card top-up credits
   * the card there), so the effect commits if and only if the settlement does.
   */
  public interface SettledListener {
    Future<Void> settled(SqlConnection tx, Invoice settled);
  }

  /** Registers a listener, called for every invoice that becomes Settled (by payment or by marking). */
  public InvoiceService onSettled(SettledListener listener) {
    settledListeners.add(listener);
    return this;
  }

  public InvoiceService(Pool pool, RateProvider rates, Clock clock, PaymentMethods methods) {
    this.pool = pool;
    this.rates = rates;
    this.clock = clock;
    this.methods = methods;
    this.writer = new InvoiceWriter(pool);
  }

  public PaymentMethods paymentMethods() {
    return methods;
  }

  public Clock clock() {
    return clock;
  }

  /** A priced invoice with its payment methods prepared, ready to be stored by {@link #insert}. */
  public record Draft(Store store, Invoice invoice, List<PaymentMethodHandler.Prepared> methods) {}

  /**
   * Prices a new invoice and prepares each payment method the store has enabled, outside any
   * transaction (see {@link PaymentMethodHandler#prepare}); nothing is stored yet.
   *
   * @throws UnsupportedCurrencyException if a fiat currency has no rate
   * @throws ArithmeticException if the amount converts to more than 21M BTC
   */
  public Future<Draft> prepare(Store store, NewInvoice req) {
    Invoice invoice = price(store, req);
    return methods.prepareAll(pool, store, invoice).map(prepared -> new Draft(store, invoice, prepared));
  }

  /**
   * Stores a prepared invoice in the caller's transaction: the invoice, its InvoiceCreated event
   * and its payment methods, sent together (pipelined: nothing waits for another's answer).
   */
  public Future<Invoice> insert(SqlConnection tx, Draft d) {
    return InvoiceWriter.insertOne(tx, d);
  }

  /**
   * {@link #prepare} then commit, grouped with the invoices created at the same time (see
   * {@link InvoiceWriter}): for callers that need no other write in the invoice's transaction.
   */
  public Future<Invoice> create(Store store, NewInvoice req) {
    return prepare(store, req).compose(writer::write);
  }

  /** The group commit behind {@link #create} (its counters are exported as metrics). */
  public InvoiceWriter writer() {
    return writer;
  }

  private Invoice price(Store store, NewInvoice req) {
    Instant now = clock.instant();
    BigDecimal rate = Currencies.isBitcoin(req.currency()) ? Pricing.bitcoinRate(req.currency())
        : rates.btcPrice(req.currency()).orElseThrow(() -> new UnsupportedCurrencyException(req.currency()));
    Long dueSats = req.amount() == null ? null : Pricing.toSats(req.amount(), req.currency(), rate).value();
    SpeedPolicy speed = req.speedPolicy() != null ? req.speedPolicy() : store.speedPolicy();
    BigDecimal tolerance = req.paymentTolerance() != null ? req.paymentTolerance() : store.paymentTolerance();
    int expiration = req.expirationSeconds() != null ? req.expirationSeconds() : store.invoiceExpiration();
    int monitoring = req.monitoringSeconds() != null ? req.monitoringSeconds() : store.monitoringExpiration();
    Instant expiresAt = now.plusSeconds(expiration);
    String checkout = new JsonWriter(256).begin()
        .field("speedPolicy", speed.name())
        .field("expirationMinutes", expiration / 60)
        .field("monitoringMinutes", monitoring / 60)
        .raw("paymentTolerance", tolerance.stripTrailingZeros().toPlainString())
        .field("redirectURL", req.redirectUrl())
        .field("redirectAutomatically", Boolean.TRUE.equals(req.redirectAutomatically()))
        .field("defaultPaymentMethod", req.defaultPaymentMethod())
        .end().toString();
    return new Invoice(Ids.random(22), store.id(),
        dueSats == null ? InvoiceType.TopUp : InvoiceType.Standard, req.amount(), req.currency(), rate, dueSats,
        InvoiceStatus.New, AdditionalStatus.None, false, req.metadataJson(), checkout, speed, tolerance, now,
        expiresAt, expiresAt.plusSeconds(monitoring), 0);
  }

  /**
   * Re-evaluates one invoice against its payments and the clock, in its own transaction, and
   * persists what changed. Returns the invoice as it is afterwards (null if it does not exist).
   */
  public Future<Invoice> reevaluate(String invoiceId) {
    return Transactions.run(pool, tx -> reevaluate(tx, invoiceId));
  }

  /** As {@link #reevaluate(String)} but in the caller's transaction (settlement uses this). */
  public Future<Invoice> reevaluate(SqlConnection tx, String invoiceId) {
    return InvoiceRepository.lock(tx, invoiceId).compose(inv -> inv == null ? Future.succeededFuture(null)
        : InvoiceRepository.paymentFacts(tx, invoiceId).compose(payments -> reevaluate(tx, inv, payments)));
  }

  /**
   * As {@link #reevaluate(SqlConnection, String)} for an invoice the caller has already locked in
   * {@code tx}, with its payments as read after the caller's last change (no second lock, no
   * second read on the payment path).
   */
  public Future<Invoice> reevaluate(SqlConnection tx, Invoice locked, List<PaymentFact> payments) {
    return reevaluate(tx, locked, payments, List.of());
  }

  /**
   * As {@link #reevaluate(SqlConnection, Invoice, List)}, writing {@code earlier} (the events of
   * the change that led here, a payment's) ahead of the status events, in the same statement.
   */
  public Future<Invoice> reevaluate(SqlConnection tx, Invoice locked, List<PaymentFact> payments,
                                    List<Outbox.Event> earlier) {
    return apply(tx, locked, InvoiceStateMachine.evaluate(locked, payments, clock.instant()), earlier);
  }

  /** Marks an invoice Settled or Invalid by hand; fails with IllegalStateException if not allowed. */
  public Future<Invoice> mark(String invoiceId, InvoiceStatus target) {
    return Transactions.run(pool, tx -> InvoiceRepository.lock(tx, invoiceId).compose(inv -> inv == null
        ? Future.succeededFuture(null)
        : apply(tx, inv, InvoiceStateMachine.mark(inv, target), List.of())));
  }

  /** Persists a transition (if it changes anything), {@code earlier} and the transition's events. */
  Future<Invoice> apply(SqlConnection tx, Invoice inv, Transition t, List<Outbox.Event> earlier) {
    if (!t.changes(inv.status(), inv.additionalStatus()) && t.events().isEmpty()) {
      return Outbox.append(tx, earlier).map(inv);
    }
    Instant now = clock.instant();
    // Everything below is sent at once (pipelined on the transaction's connection, executed in
    // this order): the status update, the events (one statement), the listeners' writes. One
    // round trip, not one per statement; if the update finds the invoice changed, the caller's
    // transaction rolls back.
    List<Future<?>> writes = new ArrayList<>(3);
    writes.add(InvoiceRepository.updateStatus(tx, inv.id(), t.status(), t.additionalStatus(), inv.version())
        .map(updated -> {
          if (!updated) {
            throw new IllegalStateException("invoice " + inv.id() + " changed concurrently");
          }
          return null;
        }));
    List<Outbox.Event> events = new ArrayList<>(earlier.size() + t.events().size());
    events.addAll(earlier);
    for (Transition.StatusEvent e : t.events()) {
      String payload = InvoiceEvents.status(e.type(), now, inv.storeId(), inv.id(), inv.metadataJson(), e.overPaid(),
          e.partiallyPaid(), e.afterExpiration(), e.manuallyMarked());
      events.add(new Outbox.Event(inv.storeId(), e.type(), inv.id(), payload, now));
    }
    writes.add(Outbox.append(tx, events));
    Invoice after = withStatus(inv, t);
    if (t.status() == InvoiceStatus.Settled && inv.status() != InvoiceStatus.Settled) {
      for (SettledListener l : settledListeners) {
        writes.add(l.settled(tx, after));
      }
    }
    return Future.all(writes).map(v -> after);
  }

  private static Invoice withStatus(Invoice i, Transition t) {
    return new Invoice(i.id(), i.storeId(), i.type(), i.amount(), i.currency(), i.rate(), i.dueSats(), t.status(),
        t.additionalStatus(), i.archived(), i.metadataJson(), i.checkoutJson(), i.speedPolicy(), i.paymentTolerance(),
        i.createdAt(), i.expiresAt(), i.monitoringExpiresAt(), i.version() + 1);
  }

  /** Satoshis paid so far by valid payments (for the API's amounts). */
  public static long paidSats(List<PaymentFact> payments) {
    long paid = 0;
    for (PaymentFact p : payments) {
      if (p.valid()) {
        paid = Math.addExact(paid, p.valueSats());
      }
    }
    return paid;
  }

  static Sats due(Invoice i) {
    return i.dueSats() == null ? Sats.ZERO : Sats.of(i.dueSats());
  }
}
