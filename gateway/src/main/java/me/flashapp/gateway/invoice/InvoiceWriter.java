package me.flashapp.gateway.invoice;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.events.InvoiceEvents;
import me.flashapp.gateway.events.Outbox;

/**
 * Group commit for new invoices: invoices created while earlier ones are still being committed
 * are written together, in one transaction and one multi-row statement.
 *
 * <p>Each event loop has a lane. A lane sends a draft at once while fewer than
 * {@code maxInFlight} of its transactions are open, so a quiet gateway adds no delay; under load
 * the drafts that arrive meanwhile queue and leave together when a transaction finishes (up to
 * {@code maxBatch}). A commit, its WAL flush and the statement's fixed costs (the outbox
 * triggers, the foreign-key locks on the store row, which concurrent single-invoice transactions
 * turn into multixacts) are then paid once per batch instead of once per invoice.
 *
 * <p>Invoices are independent: if a batch fails, each of its drafts is retried alone, so a draft
 * the database refuses (a constraint it breaks) fails only its own request. The retry cannot
 * duplicate anything: a draft's invoice id is fixed before the first attempt and is the primary
 * key (a batch whose commit was answered by a dropped connection fails its retries on that key).
 */
public final class InvoiceWriter {
  static final int DEFAULT_MAX_BATCH = 64;
  static final int DEFAULT_MAX_IN_FLIGHT = 2;

  /**
   * A batch's invoices and their InvoiceCreated events. Arrays travel in PostgreSQL's binary
   * format; numerics go as text (exact). The events are inserted in the drafts' order, so a
   * store's sequence numbers follow it.
   */
  static final String INSERT_MANY = Outbox.insertWokenLocallySql("batch AS (SELECT * FROM unnest($1::text[], $2::text[],"
      + " $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[], $9::text[], $10::text[], $11::text[],"
      + " $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::text[])"
      + " WITH ORDINALITY AS b (id, store_id, type, amount, currency, rate, due_sats, status, additional_status,"
      + " metadata, checkout, speed_policy, payment_tolerance, created_at, expires_at, monitoring_expires_at, payload,"
      + " ord)), inv AS (INSERT INTO invoices (id, store_id, type, amount, currency, rate, due_sats, status,"
      + " additional_status, archived, metadata, checkout, speed_policy, payment_tolerance, created_at, expires_at,"
      + " monitoring_expires_at, version) SELECT id, store_id, type, amount::numeric, currency, rate::numeric, due_sats,"
      + " status, additional_status, FALSE, metadata::jsonb, checkout::jsonb, speed_policy, payment_tolerance::numeric,"
      + " created_at, expires_at, monitoring_expires_at, 0 FROM batch)",
      "SELECT store_id, $18, id, payload::json, created_at FROM batch, wake ORDER BY ord");

  private final Pool pool;
  private final int maxBatch;
  private final int maxInFlight;
  // per event-loop thread, not per Context: Vert.x gives each HTTP request a context of its own
  private final ThreadLocal<Lane> lanes = ThreadLocal.withInitial(Lane::new);
  private final LongAdder commits = new LongAdder();
  private final LongAdder written = new LongAdder();

  public InvoiceWriter(Pool pool) {
    this(pool, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT);
  }

  InvoiceWriter(Pool pool, int maxBatch, int maxInFlight) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be positive");
    }
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Stores a prepared invoice (with its event and payment methods) and commits it. */
  public Future<Invoice> write(InvoiceService.Draft draft) {
    if (!Context.isOnEventLoopThread()) {
      return alone(draft);
    }
    return lanes.get().submit(draft);
  }

  /** Transactions that created invoices, since start (with {@link #invoicesWritten()}: the mean batch). */
  public long commits() {
    return commits.sum();
  }

  public long invoicesWritten() {
    return written.sum();
  }

  private void count(int invoices) {
    commits.increment();
    written.add(invoices);
  }

  /** One event loop's queue; touched only on that event loop's thread (the pool answers there). */
  private final class Lane {
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;

    Future<Invoice> submit(InvoiceService.Draft draft) {
      Promise<Invoice> promise = Promise.promise();
      queue.add(new Pending(draft, promise));
      drain();
      return promise.future();
    }

    private void drain() {
      while (inFlight < maxInFlight && !queue.isEmpty()) {
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (batch.size() < maxBatch && !queue.isEmpty()) {
          batch.add(queue.poll());
        }
        inFlight++;
        commit(batch).onComplete(ar -> {
          inFlight--;
          drain();
        });
      }
    }
  }

  private record Pending(InvoiceService.Draft draft, Promise<Invoice> promise) {}

  private Future<Void> commit(List<Pending> batch) {
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      return alone(p.draft()).andThen(p.promise()::handle).mapEmpty();
    }
    return Transactions.run(pool, tx -> insertMany(tx, batch)).transform(ar -> {
      if (ar.succeeded()) {
        count(batch.size());
        for (Pending p : batch) {
          p.promise().complete(p.draft().invoice());
        }
        return Future.succeededFuture();
      }
      // something in the batch failed and nothing of it committed: each draft on its own, so a
      // request fails only for its own reason (and with its own error)
      List<Future<Invoice>> retries = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        retries.add(alone(p.draft()).andThen(p.promise()::handle));
      }
      return Future.join(retries).transform(done -> Future.succeededFuture());
    });
  }

  /** One draft in a transaction of its own. */
  private Future<Invoice> alone(InvoiceService.Draft draft) {
    return Transactions.run(pool, tx -> insertOne(tx, draft)).onSuccess(inv -> count(1));
  }

  static Future<Invoice> insertOne(SqlConnection tx, InvoiceService.Draft d) {
    Invoice invoice = d.invoice();
    Future<Void> row = InvoiceRepository.insertWithEvent(tx, invoice, EventType.InvoiceCreated, createdEvent(invoice));
    Future<Void> methodRows = PaymentMethods.writeAll(tx, invoice.id(), d.methods(), invoice.createdAt());
    return Future.all(row, methodRows).map(invoice);
  }

  /** All of a batch's rows in one statement, then each invoice's payment methods, pipelined. */
  private static Future<Void> insertMany(SqlConnection tx, List<Pending> batch) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] stores = new String[n];
    String[] types = new String[n];
    String[] amounts = new String[n];
    String[] currencies = new String[n];
    String[] rates = new String[n];
    Long[] due = new Long[n];
    String[] statuses = new String[n];
    String[] additional = new String[n];
    String[] metadata = new String[n];
    String[] checkout = new String[n];
    String[] speeds = new String[n];
    String[] tolerances = new String[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    OffsetDateTime[] expires = new OffsetDateTime[n];
    OffsetDateTime[] monitoring = new OffsetDateTime[n];
    String[] payloads = new String[n];
    for (int k = 0; k < n; k++) {
      Invoice i = batch.get(k).draft().invoice();
      ids[k] = i.id();
      stores[k] = i.storeId();
      types[k] = i.type().name();
      amounts[k] = i.amount() == null ? null : i.amount().toPlainString();
      currencies[k] = i.currency();
      rates[k] = i.rate().toPlainString();
      due[k] = i.dueSats();
      statuses[k] = i.status().name();
      additional[k] = i.additionalStatus().name();
      metadata[k] = i.metadataJson();
      checkout[k] = i.checkoutJson();
      speeds[k] = i.speedPolicy().name();
      tolerances[k] = i.paymentTolerance().toPlainString();
      created[k] = InvoiceRepository.utc(i.createdAt());
      expires[k] = InvoiceRepository.utc(i.expiresAt());
      monitoring[k] = InvoiceRepository.utc(i.monitoringExpiresAt());
      payloads[k] = createdEvent(i);
    }
    List<Future<?>> writes = new ArrayList<>(n + 1);
    writes.add(tx.preparedQuery(INSERT_MANY).execute(Tuple.from(new Object[] {ids, stores, types, amounts, currencies,
        rates, due, statuses, additional, metadata, checkout, speeds, tolerances, created, expires, monitoring, payloads,
        EventType.InvoiceCreated.name()})).map(rs -> {
          if (rs.rowCount() != n) {
            throw new IllegalStateException("batch of " + n + " invoices wrote " + rs.rowCount() + " events");
          }
          Outbox.wakeAfterCommit(tx);
          return null;
        }));
    for (Pending p : batch) {
      Invoice i = p.draft().invoice();
      writes.add(PaymentMethods.writeAll(tx, i.id(), p.draft().methods(), i.createdAt()));
    }
    return Future.all(writes).mapEmpty();
  }

  private static String createdEvent(Invoice i) {
    return InvoiceEvents.created(i.createdAt(), i.storeId(), i.id(), i.metadataJson());
  }
}
