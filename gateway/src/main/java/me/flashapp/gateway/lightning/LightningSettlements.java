package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.events.EventDispatcher;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;
import org.lightningj.lnd.proto.LightningApi.Invoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies settled LND invoices of one node to the database: each becomes a payment toward its
 * gateway invoice through {@link Settlement} (exactly once, by payment hash), several in one
 * transaction when {@link LightningListener} hands over a batch. A settlement is three round
 * trips: {@code BEGIN} with the lock flight ({@link #lock}), the record ({@link #record}),
 * {@code COMMIT}; a batch sends all its lock flights together, then all its records.
 */
final class LightningSettlements {
  private static final Logger LOG = LoggerFactory.getLogger(LightningSettlements.class);
  /** A settlement's first statement: marks the LND invoice settled and says whose it is (no row: not ours). */
  static final String MARK_SETTLED = "UPDATE lightning_invoices SET state = 'settled' WHERE payment_hash = $1"
      + " RETURNING invoice_id";
  private static final String INVOICE_OF_HASH = "SELECT invoice_id FROM lightning_invoices WHERE payment_hash = $1";
  /** Sent behind {@link #MARK_SETTLED}: the gateway invoice, locked, found by the same payment hash. */
  static final String LOCK_INVOICE = InvoiceRepository.lockSql(INVOICE_OF_HASH);
  /** Sent behind {@link #LOCK_INVOICE}: that invoice's payments, and whether this one is among them. */
  static final String PAID_BEFORE = Settlement.paymentsBeforeSql(INVOICE_OF_HASH);

  /**
   * A settled LND invoice to apply. {@code arrivedNanos}: {@link System#nanoTime} when the stream
   * delivered it, for {@link SettleLatency}; null when not from the stream (nanoTime may be
   * negative: no sentinel).
   */
  record Notification(Invoice inv, Long arrivedNanos) {}

  private final Pool pool;
  private final Settlement settlement;
  private final Clock clock;
  private final SettleLatency latency;
  private final EventDispatcher numbering;
  private final String node;

  /** {@code numbering}: numbers the events in the settlement transaction (null: the dispatcher's pass does). */
  LightningSettlements(Pool pool, Settlement settlement, Clock clock, SettleLatency latency, EventDispatcher numbering,
                       String node) {
    this.pool = pool;
    this.numbering = numbering;
    this.settlement = settlement;
    this.clock = clock;
    this.latency = latency;
    this.node = node;
  }

  /**
   * Applies {@code batch} in one transaction. If that fails (two settlements of one invoice in
   * the batch, a deadlock with another writer, an invoice changed under it), each settlement is
   * applied again alone, in order, so one that cannot be applied fails only itself.
   */
  Future<Void> apply(List<Notification> batch) {
    if (batch.size() == 1) {
      return apply(batch.get(0));
    }
    return Transactions.run(pool, tx -> settledTogether(tx, batch)).onSuccess(v -> committed(batch.size()))
        .recover(err -> {
          LOG.debug("LND {}: a batch of {} settlements failed ({}); applying them one by one", node, batch.size(),
              err.toString());
          Future<Void> chain = Future.succeededFuture();
          for (Notification n : batch) {
            chain = chain.compose(v -> apply(n));
          }
          return chain;
        });
  }

  /** Applies one settlement in a transaction of its own (a no-op if not ours or already recorded). */
  Future<Void> apply(Notification n) {
    return Transactions.run(pool, tx -> lock(tx, n).compose(l -> numbered(tx, record(tx, l))))
        .onSuccess(v -> committed(1));
  }

  private void committed(int settlements) {
    if (latency != null) {
      latency.committed(settlements);
    }
  }

  /**
   * Several settlements in {@code tx}: all their lock flights go out together, then all their
   * records. Two of one gateway invoice would each read its payments without the other's, so
   * such a batch fails (and is applied one by one).
   */
  private Future<Void> settledTogether(SqlConnection tx, List<Notification> batch) {
    List<Future<Locked>> locks = new ArrayList<>(batch.size());
    for (Notification n : batch) {
      locks.add(lock(tx, n));
    }
    return Future.all(locks).compose(x -> {
      Set<String> invoices = new HashSet<>();
      for (Future<Locked> f : locks) {
        me.flashapp.gateway.invoice.Invoice invoice = f.result().invoice();
        if (invoice != null && !invoices.add(invoice.id())) {
          return Future.failedFuture(new IllegalStateException("two settlements of invoice " + invoice.id()
              + " in one batch"));
        }
      }
      List<Future<Void>> records = new ArrayList<>(batch.size());
      for (Future<Locked> f : locks) {
        records.add(record(tx, f.result()));
      }
      return numbered(tx, Future.all(records).mapEmpty());
    });
  }

  /**
   * The records just sent, and behind them, in their flight, the numbering of their events
   * ({@link EventDispatcher#numberIn}): published once {@code tx} commits, with no numbering
   * transaction between. Sent only when {@code records} wrote something that is not done yet.
   */
  private Future<Void> numbered(SqlConnection tx, Future<Void> records) {
    if (numbering == null || records.isComplete()) {
      return records; // nothing recorded (not ours, already recorded) or already failed
    }
    Future<Void> published = numbering.numberIn(tx);
    return Future.all(records, published).mapEmpty();
  }

  /**
   * A settlement's first flight ({@link #lock}), and what it found: {@code invoice} is null if
   * the LND invoice is not one of ours.
   */
  private record Locked(Notification n, String hash, me.flashapp.gateway.invoice.Invoice invoice,
                        Settlement.Before before) {}

  /**
   * One flight: the LND invoice marked settled (its row lock first, as every settle of it takes
   * them), the gateway invoice locked, its payments read under that lock.
   */
  private Future<Locked> lock(SqlConnection tx, Notification n) {
    String hash = HexFormat.of().formatHex(n.inv().getRHash().toByteArray());
    Future<RowSet<Row>> marked = tx.preparedQuery(MARK_SETTLED).execute(Tuple.of(hash));
    Future<me.flashapp.gateway.invoice.Invoice> locked = InvoiceRepository.lock(tx, LOCK_INVOICE, Tuple.of(hash));
    Future<Settlement.Before> before = Settlement.paymentsBefore(tx, PAID_BEFORE,
        Tuple.of(hash, LightningPaymentHandler.ID, hash));
    return Future.all(marked, locked, before).map(x -> new Locked(n, hash,
        marked.result().rowCount() == 0 ? null : locked.result(), before.result()));
  }

  /** The second flight: the payment, its events and the invoice's new state (Settlement, one flight). */
  private Future<Void> record(SqlConnection tx, Locked l) {
    me.flashapp.gateway.invoice.Invoice invoice = l.invoice();
    Invoice inv = l.n().inv();
    if (invoice == null) {
      return Future.succeededFuture(); // not an invoice of ours
    }
    if (l.n().arrivedNanos() != null && latency != null) {
      latency.notified(invoice.id(), l.n().arrivedNanos());
    }
    long sats = inv.getAmtPaidMsat() / 1000; // msat below a sat are not the merchant's to count
    if (sats <= 0) {
      return Future.succeededFuture();
    }
    Instant at = inv.getSettleDate() > 0 ? Instant.ofEpochSecond(inv.getSettleDate()) : clock.instant();
    String details = new JsonObject().put("preimage", HexFormat.of().formatHex(inv.getRPreimage().toByteArray()))
        .put("amountPaidMsat", inv.getAmtPaidMsat()).encode();
    return settlement.record(tx, invoice, l.before(), new DetectedPayment(LightningPaymentHandler.ID, l.hash(),
            invoice.id(), sats, PaymentFact.FINAL, at, inv.getPaymentRequest(), details))
        .mapEmpty();
  }
}
