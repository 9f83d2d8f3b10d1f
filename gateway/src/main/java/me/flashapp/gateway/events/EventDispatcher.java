package me.flashapp.gateway.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import me.flashapp.gateway.config.DatabaseUrls;
import me.flashapp.gateway.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox rows: gives each queued event its per-store {@code store_seq}
 * (recorded in {@code outbox_numbers}; the outbox row itself is written once), then hands the
 * events to the listeners (POS hub, webhook sender).
 *
 * <p>Why here and not in the writing transaction: two transactions that write events for the same
 * store may commit in either order; a sequence taken at insert time could be seen by a terminal
 * out of order, or leave a hole that fills in later. The dispatcher only sees committed rows and
 * numbers them in id order, so a row committed later always gets a later number and a subscriber
 * that saw N has seen everything up to N. A writer may also number at its very end, inside its own
 * transaction ({@link #numberIn}: the same statement under the same lock, which it then holds to
 * its commit), so its numbers, too, are taken in the order numberings commit.
 *
 * <p>One assigner at a time: every cycle runs on this object's single Vert.x context, one after
 * another, and holds a transaction-scoped advisory lock so that two nodes on one database never
 * number the same store concurrently. In-transaction hooks (the webhook queue) write their rows in
 * the same transaction, so a crash after numbering cannot lose a webhook delivery.
 *
 * <p>Wake-ups: in process after a commit of this node that wrote events and did not number them
 * itself ({@link Outbox}); LISTEN on
 * {@code outbox_events} for other writers (the trigger notifies on commit only, and since V8 not
 * for transactions that woke us locally, as NOTIFY serializes commits), a poll
 * once subscribed (a commit may have landed before LISTEN took effect), a slow periodic poll as a
 * safety net, and one pass at start, which publishes whatever a crash left pending.
 *
 * <p>Several nodes: the numbering transaction also gives its rows the next publication batch number
 * and notifies {@code outbox_published} once (schema V11). Listeners are fed through this node's
 * {@link PublicationFeed}, so they get every node's events, each once and in order: this node's
 * own batches directly, the others' read after the notification (or the periodic poll).
 */
public final class EventDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
  static final long LOCK_KEY = 0x666c6173685f6576L; // "flash_ev"
  static final int BATCH = 500;
  static final String LOCK = "SELECT pg_advisory_xact_lock($1)";
  static final String PUBLISHED_CHANNEL = "outbox_published";
  /**
   * The whole numbering in one statement (one round trip, after the lock): take the oldest queued
   * events off {@code outbox_unnumbered}, advance each store's counter by its count, give each
   * event the next number of its store in id order, take the next publication batch and notify it
   * (delivered when this transaction commits), and record all that in {@code outbox_numbers}: the
   * outbox row itself is never rewritten (V14). No batch is taken when nothing is queued. Rows come
   * back in no particular order.
   */
  static final String ASSIGN = "WITH pending AS (DELETE FROM outbox_unnumbered WHERE event_id IN"
      + " (SELECT event_id FROM outbox_unnumbered ORDER BY event_id LIMIT " + BATCH + ")"
      + " RETURNING event_id AS id, store_id),"
      + " per_store AS (SELECT store_id, count(*) AS n FROM pending GROUP BY store_id),"
      + " counters AS (INSERT INTO outbox_store_seq AS c (store_id, last_seq) SELECT store_id, n FROM per_store"
      + " ON CONFLICT (store_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq"
      + " RETURNING c.store_id, c.last_seq),"
      + " batch AS (UPDATE outbox_publication SET last_batch = last_batch + 1 WHERE EXISTS (SELECT 1 FROM pending)"
      + " RETURNING last_batch, pg_notify('" + PUBLISHED_CHANNEL + "', last_batch::text) AS notified),"
      + " numbered AS (SELECT p.id, p.store_id,"
      + " c.last_seq - s.n + row_number() OVER (PARTITION BY p.store_id ORDER BY p.id) AS seq"
      + " FROM pending p JOIN per_store s ON s.store_id = p.store_id JOIN counters c ON c.store_id = p.store_id),"
      + " recorded AS (INSERT INTO outbox_numbers (event_id, store_id, store_seq, pub_batch)"
      + " SELECT numbered.id, numbered.store_id, numbered.seq, batch.last_batch FROM numbered, batch)"
      + " SELECT o.id, o.store_id, numbered.seq AS store_seq, o.type, o.invoice_id, o.payload::text AS payload,"
      + " batch.last_batch FROM numbered JOIN outbox_events o ON o.id = numbered.id, batch";

  /** A committed numbering: its publication batch and its events (batch 0 and none when idle). */
  private record Numbered(long batch, List<PublishedEvent> events) {}

  /** Work done inside the numbering transaction (e.g. enqueueing webhook deliveries). */
  public interface InTransaction {
    /**
     * Called as the numbering statement is sent: may send statements of its own in the same
     * flight, behind it (they see what it wrote: this batch's rows in {@code outbox_numbers},
     * numbered {@code outbox_publication.last_batch}), and completes, once they answered, with what
     * to do with the batch's events (called only if there are any, in the transaction).
     */
    Future<Function<List<PublishedEvent>, Future<Void>>> begin(SqlConnection tx);
  }

  private final Vertx vertx;
  private final Pool pool;
  private final DatabaseUrls.Parts db;
  private final long pollMillis;
  private final List<InTransaction> hooks = new CopyOnWriteArrayList<>();
  private final List<Consumer<List<PublishedEvent>>> listeners = new CopyOnWriteArrayList<>();
  private volatile Context context;
  private PgSubscriber subscriber;
  private long timer = -1;
  private Runnable localWake;
  /** nanoTime of the first wake-up since the last pass began (0: none): see {@link PublishedEvent#committedNanos}. */
  private final AtomicLong firstWake = new AtomicLong();
  /** The stamp of a pass that left a backlog (a full batch), kept by the passes that follow it; 0: none. */
  private long backlogSince;
  private Passes passes;
  private final PublicationFeed feed;

  public EventDispatcher(Vertx vertx, Pool pool, DatabaseUrls.Parts db, long pollMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.db = db;
    this.pollMillis = pollMillis;
    this.feed = new PublicationFeed(pool, this::notifyListeners);
  }

  public void addHook(InTransaction hook) {
    hooks.add(hook);
  }

  /**
   * Called after commit, on the dispatcher's context, with events in seq order per store: every
   * event published by any node on this database, once (from the first publication after start).
   */
  public void addListener(Consumer<List<PublishedEvent>> listener) {
    listeners.add(listener);
  }

  /** Subscribes to notifications and runs the first pass; completes once LISTEN is set up. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    passes = new Passes(context, this::pass);
    return Future.<Void>future(p -> context.runOnContext(v -> feed.start(context).onComplete(started -> {
      if (started.failed()) {
        p.fail(started.cause());
        return;
      }
      subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions().setHost(db.host()).setPort(db.port())
          .setDatabase(db.database()).setUser(db.user()).setPassword(db.password()));
      // Reconnect forever: missed notifications are covered by the poll on (re)subscription.
      subscriber.reconnectPolicy(retries -> 1000L);
      subscriber.channel("outbox_events").handler(payload -> wake()).subscribeHandler(x -> wake());
      subscriber.channel(PUBLISHED_CHANNEL).handler(this::onPublished).subscribeHandler(x -> pollFeed());
      timer = vertx.setPeriodic(pollMillis, id -> {
        wake();
        pollFeed();
      });
      // this node's own commits wake it in process (no NOTIFY; see Outbox and schema V8)
      localWake = Outbox.onCommit(this::wake);
      subscriber.connect().onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("LISTEN outbox_events failed, relying on the poll: {}", ar.cause().toString());
        }
        wake();
        p.complete();
      });
    })));
  }

  /** Another node (or this one) committed publication batch {@code payload}. */
  private void onPublished(String payload) {
    long batch;
    try {
      batch = Long.parseLong(payload);
    } catch (NumberFormatException e) {
      pollFeed(); // not ours to trust: ask the table
      return;
    }
    context.runOnContext(v -> feed.committedUpTo(batch));
  }

  private void pollFeed() {
    context.runOnContext(v -> feed.poll());
  }

  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    return Future.<Void>future(p -> context.runOnContext(v -> {
      passes.stop();
      feed.stop();
      vertx.cancelTimer(timer);
      if (localWake != null) {
        localWake.run();
      }
      subscriber.close().onComplete(ar -> p.complete());
    }));
  }

  /** Asks for a pass; passes never overlap, and a wake-up during a pass causes one more. */
  public void wake() {
    firstWake.compareAndSet(0, System.nanoTime());
    if (passes != null) {
      passes.request();
    }
  }

  /** Numbers what is pending, then hands it to the feed; true when a full batch suggests more. */
  private Future<Boolean> pass() {
    // Wake-ups from now on may be for commits this pass does not see: they stamp the next one.
    long woken = firstWake.getAndSet(0);
    long committedNanos = backlogSince != 0 ? backlogSince : woken != 0 ? woken : System.nanoTime();
    return Transactions.run(pool, tx -> assign(tx, () -> committedNanos)).map(numbered -> {
      boolean more = numbered.events().size() == BATCH;
      backlogSince = more ? committedNanos : 0;
      return more;
    }).onFailure(err -> {
      backlogSince = committedNanos; // still pending: the retry keeps their stamp
      LOG.warn("event dispatch failed, will retry: {}", err.toString());
    });
  }

  private void notifyListeners(List<PublishedEvent> events) {
    for (Consumer<List<PublishedEvent>> l : listeners) {
      try {
        l.accept(events);
      } catch (RuntimeException e) {
        LOG.error("event listener failed", e);
      }
    }
  }

  /**
   * Numbers what is queued inside the caller's transaction {@code tx}, the events it sent so far
   * among them, and publishes them once {@code tx} commits. A writer on the way to publication
   * then needs no numbering transaction of its own: a {@code BEGIN}, a {@code COMMIT} with its WAL
   * flush and two round trips less per change, and its commit wakes no pass.
   *
   * <p>It takes the numbering lock, held to {@code tx}'s end (the order of publication batches is
   * the order of their commits): send it last, behind the transaction's other statements, and only
   * from a transaction whose row locks are taken (it waits for any numbering in progress, which
   * takes no row lock a writer holds). Does nothing before {@link #start()}.
   */
  public Future<Void> numberIn(SqlConnection tx) {
    Transaction t = tx.transaction();
    Context ctx = context;
    if (t == null || ctx == null) {
      return Future.succeededFuture();
    }
    Outbox.numberedIn(t); // what tx sent before this is covered by the statement that follows
    // stamped as the numbering answers: the commit is still to come, so never later than it
    return assign(tx, System::nanoTime).map(numbered -> {
      if (numbered.events().size() == BATCH) {
        t.completion().onSuccess(v -> wake()); // a backlog: tx's own events may be behind it
      }
      return null;
    });
  }

  private Future<Numbered> assign(SqlConnection tx, LongSupplier stamp) {
    // The lock is its own statement: a statement's snapshot is taken when it starts, so a
    // numbering that waited for another node's reads what that one committed. Both go out in one
    // flight (behind BEGIN): PostgreSQL starts the second only once the first has its lock.
    Future<RowSet<Row>> locked = tx.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY));
    Future<RowSet<Row>> assigned = tx.preparedQuery(ASSIGN).execute();
    List<Future<Function<List<PublishedEvent>, Future<Void>>>> steps = new ArrayList<>(hooks.size());
    for (InTransaction hook : hooks) {
      steps.add(hook.begin(tx));
    }
    // every statement of the flight answered (a failed one fails the pass: no commit)
    return Future.all(locked, assigned, Future.all(steps)).map(x -> assigned.result())
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Numbered(0, List.of()));
          }
          List<PublishedEvent> out = new ArrayList<>(rows.size());
          long committedNanos = stamp.getAsLong();
          long batch = 0;
          for (Row r : rows) {
            batch = r.getLong("last_batch");
            out.add(new PublishedEvent(r.getLong("id"), r.getString("store_id"), r.getLong("store_seq"),
                r.getString("type"), r.getString("invoice_id"), r.getString("payload"), committedNanos));
          }
          out.sort(BY_ID); // per store, id order is seq order
          long numbered = batch;
          publishOnCommit(tx, numbered, out);
          Future<Void> f = Future.succeededFuture();
          for (Future<Function<List<PublishedEvent>, Future<Void>>> step : steps) {
            f = f.compose(v -> step.result().apply(out));
          }
          return f.map(v -> new Numbered(numbered, out));
        });
  }

  /**
   * Hands {@code batch} to the feed once {@code tx} commits. Until {@code tx} ends the feed knows
   * the batch is coming, so the batch's own notification, which may arrive before the commit's
   * answer, is no reason to read it back from the table.
   */
  private void publishOnCommit(SqlConnection tx, long batch, List<PublishedEvent> events) {
    Transaction t = tx.transaction();
    Context ctx = context;
    ctx.runOnContext(v -> feed.expect(batch));
    t.completion().onComplete(ar -> ctx.runOnContext(v -> {
      if (ar.succeeded()) {
        feed.numbered(batch, events);
      } else {
        feed.abandoned(batch);
      }
    }));
  }

  private static final Comparator<PublishedEvent> BY_ID = Comparator.comparingLong(PublishedEvent::id);
}
