package me.flashapp.gateway.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes events into the transactional outbox. Call it with the connection of the transaction
 * that makes the change, so the event exists if and only if the change committed. Publication
 * (sequence numbers, POS hub, webhooks) happens after commit, from the table.
 *
 * <p>Wake-up without NOTIFY: a NOTIFY makes PostgreSQL serialize the commits of all notifying
 * transactions on one lock held across the WAL flush (see schema V8), which capped invoice
 * creation. So the INSERT marks its transaction as "woken locally" (the notify trigger is then
 * not called, schema V18) and, once the transaction commits, this node's dispatchers are woken in
 * process. A lost wake-up loses nothing: the row is durable and the dispatcher also polls.
 *
 * <p>Every event insert is built by {@link #insertSql}: the same statement queues the events for
 * numbering (no trigger does, since V18).
 */
public final class Outbox {
  /** The columns an event insert gives, in this order. */
  public static final String COLUMNS = "store_id, type, invoice_id, payload, created_at";
  static final String INSERT = insertWokenLocallySql("", "SELECT $1, $2, $3, $4::text::json, $5 FROM wake");
  /**
   * Several events in one statement, in the order given (ids, and so each store's sequence
   * numbers, follow it). Measured with pgbench on the 2-core machine (docs/benchmarks.md,
   * eleventh session): a settlement's four events cost PostgreSQL about 40% less CPU this way
   * than as four one-row inserts.
   */
  static final String INSERT_MANY = insertWokenLocallySql("batch AS (SELECT * FROM unnest($1::text[], $2::text[],"
          + " $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS b (store_id, type, invoice_id, payload,"
          + " created_at, ord))",
      "SELECT store_id, type, invoice_id, payload::json, created_at FROM batch, wake ORDER BY ord");

  /** Dispatchers of this JVM to wake after a commit that wrote events (normally one). */
  private static final List<Runnable> COMMIT_LISTENERS = new CopyOnWriteArrayList<>();
  /** Open transactions that wrote events: true while their commit must wake the dispatchers. */
  private static final Map<Transaction, Boolean> WAKE_ON_COMMIT = new ConcurrentHashMap<>();

  private Outbox() {}

  /**
   * One statement that inserts events and queues them for numbering ({@code outbox_unnumbered},
   * schema V18). {@code ctes}: WITH items the rows may read (no leading WITH; empty for none).
   * {@code rows}: a query giving the {@link #COLUMNS}. The statement's row count is the number of
   * events. The trigger notifies the dispatchers when it commits; writers of this node use
   * {@link #insertWokenLocallySql} instead.
   */
  public static String insertSql(String ctes, String rows) {
    return "WITH " + (ctes.isEmpty() ? "" : ctes + ", ")
        + "events AS (INSERT INTO outbox_events (" + COLUMNS + ") " + rows + " RETURNING id, store_id)"
        + " INSERT INTO outbox_unnumbered (event_id, store_id) SELECT id, store_id FROM events";
  }

  /**
   * {@link #insertSql} that also marks its transaction as "woken locally", so the notify trigger
   * is not called: the writer then wakes this node's dispatchers with {@link #wakeAfterCommit}.
   * {@code rows} must read the CTE {@code wake} (in its FROM), or the mark is not made.
   */
  public static String insertWokenLocallySql(String ctes, String rows) {
    String wake = "wake AS (SELECT set_config('flash.outbox_wake', 'local', true))";
    return insertSql(ctes.isEmpty() ? wake : wake + ", " + ctes, rows);
  }

  /** An event to write: its store, type, invoice (may be null), webhook payload and time. */
  public record Event(String storeId, EventType type, String invoiceId, String payloadJson, Instant at) {}

  public static Future<Void> append(SqlClient tx, String storeId, EventType type, String invoiceId, String payloadJson,
                                    Instant at) {
    return append(tx, List.of(new Event(storeId, type, invoiceId, payloadJson, at)));
  }

  /**
   * Writes {@code events} in this order with one statement (none for an empty list): a change
   * that makes several events (a payment and the status it leads to) pays for one insert.
   */
  public static Future<Void> append(SqlClient tx, List<Event> events) {
    int n = events.size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    Tuple args;
    String sql;
    if (n == 1) {
      Event e = events.get(0);
      sql = INSERT;
      args = Tuple.of(e.storeId(), e.type().name(), e.invoiceId(), e.payloadJson(), e.at().atOffset(ZoneOffset.UTC));
    } else {
      String[] stores = new String[n];
      String[] types = new String[n];
      String[] invoices = new String[n];
      String[] payloads = new String[n];
      OffsetDateTime[] times = new OffsetDateTime[n];
      for (int k = 0; k < n; k++) {
        Event e = events.get(k);
        stores[k] = e.storeId();
        types[k] = e.type().name();
        invoices[k] = e.invoiceId();
        payloads[k] = e.payloadJson();
        times[k] = e.at().atOffset(ZoneOffset.UTC);
      }
      sql = INSERT_MANY;
      args = Tuple.of(stores, types, invoices, payloads, times);
    }
    boolean inTransaction = transactionOf(tx) != null;
    Future<Void> written = tx.preparedQuery(sql).execute(args).map(rs -> {
      if (rs.rowCount() != n) {
        throw new IllegalStateException(n + " events to write, " + rs.rowCount() + " written");
      }
      if (!inTransaction) {
        wakeAll(); // autocommit: committed now
      }
      return null;
    });
    if (inTransaction) {
      wakeAfterCommit(tx); // armed as the insert is sent: a numbering sent behind it covers it
    }
    return written;
  }

  /**
   * Wakes the dispatchers when the caller's transaction commits (not on rollback), once however
   * many inserts it made. Outside a transaction (autocommit) the row is already committed, so they
   * are woken now. Call it as the insert is sent: {@link #numberedIn} disarms the wake-up for
   * inserts sent before it (called later, once the insert answered, it only stays armed).
   */
  public static void wakeAfterCommit(SqlClient tx) {
    Transaction t = transactionOf(tx);
    if (t == null) {
      wakeAll();
    } else if (WAKE_ON_COMMIT.put(t, Boolean.TRUE) == null) {
      t.completion().onComplete(ar -> {
        if (Boolean.TRUE.equals(WAKE_ON_COMMIT.remove(t)) && ar.succeeded()) {
          wakeAll();
        }
      });
    }
  }

  /** The transaction {@code tx} runs in; null outside one (autocommit). */
  private static Transaction transactionOf(SqlClient tx) {
    return tx instanceof SqlConnection conn ? conn.transaction() : null;
  }

  /**
   * {@code t}'s events sent so far are numbered in {@code t} itself
   * ({@link EventDispatcher#numberIn}): its commit needs no wake-up for them. An insert sent after
   * this arms it again.
   */
  static void numberedIn(Transaction t) {
    WAKE_ON_COMMIT.replace(t, Boolean.TRUE, Boolean.FALSE);
  }

  static Runnable onCommit(Runnable listener) {
    COMMIT_LISTENERS.add(listener);
    return () -> COMMIT_LISTENERS.remove(listener);
  }

  private static void wakeAll() {
    for (Runnable r : COMMIT_LISTENERS) {
      r.run();
    }
  }
}
