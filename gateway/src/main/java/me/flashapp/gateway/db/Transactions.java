package me.flashapp.gateway.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;
import me.flashapp.gateway.async.Deadlines;

/**
 * Transactions with one round trip less than {@link Pool#withTransaction}: the work's first
 * statements are sent right behind {@code BEGIN}, in the same flight, instead of after its answer.
 * PostgreSQL runs a connection's messages in order, so they still execute inside the transaction;
 * everything else is as with {@code withTransaction}: commit when the work's future succeeds,
 * rollback when it fails (or throws), and {@link SqlConnection#transaction()} is set for the
 * whole work, so commit hooks such as the outbox wake-up see it.
 *
 * <p>An invoice's creation ({@code BEGIN}, one insert, {@code COMMIT}) goes from three round
 * trips to two; a card tap from five to four.
 *
 * <p>The wait for a free connection is bounded here, not by the pool's own
 * {@code connectionTimeout}, which {@link Database} turns off: see {@link #lease}.
 */
public final class Transactions {
  /** How long work waits for a free connection before it fails with {@link DatabaseBusyException}. */
  public static final long CONNECTION_WAIT_MILLIS = 30_000;

  private Transactions() {}

  public static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
    return run(pool, CONNECTION_WAIT_MILLIS, work);
  }

  /** As {@link #run(Pool, Function)}, waiting at most {@code waitMillis} for a connection. */
  public static <T> Future<T> run(Pool pool, long waitMillis, Function<SqlConnection, Future<T>> work) {
    return lease(pool, waitMillis).compose(conn -> {
      Future<Transaction> begun = conn.begin();
      Future<T> done;
      try {
        done = work.apply(conn);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      Future<T> result = done;
      return begun.compose(tx -> result.transform(ar -> ar.succeeded()
              ? tx.commit().map(ar.result())
              : tx.rollback().transform(rolledBack -> Future.<T>failedFuture(ar.cause()))))
          .onComplete(ar -> conn.close());
    });
  }

  /**
   * A connection from {@code pool}, or {@link DatabaseBusyException} when none is free within
   * {@code waitMillis}. A connection granted after the deadline goes straight back to the pool.
   *
   * <p>Why not the pool's {@code connectionTimeout}: in vertx-sql-client 5.0.10 a waiter's timer
   * is set by a task that runs after the waiter was queued, so a connection recycled on another
   * event loop in between can be granted to it before the timer exists. The timer then fires
   * anyway, the pool's cancel reports the granted waiter as cancelled, and failing its completed
   * promise throws {@code IllegalStateException: Promise already completed} inside the pool's task
   * chain, which drops the tasks queued behind it (grants to other waiters): their connections
   * stay leased to nobody. Seen as numbering that stopped for the rest of a load run and as a
   * request pool with waiters queued for minutes while every backend was idle. Here the deadline
   * and the grant meet in one promise whose {@code tryComplete} and {@code tryFail} cannot both
   * win, and a grant that loses is closed, which returns it.
   *
   * <p>Outside a Vert.x context (a test's or a tool's own thread) there is no timer to set: the
   * lease waits as long as the pool makes it.
   */
  public static Future<SqlConnection> lease(Pool pool, long waitMillis) {
    Context context = Vertx.currentContext();
    if (context == null || waitMillis <= 0) {
      return pool.getConnection();
    }
    // a connection granted after the deadline is closed at once: that hands it back to the pool
    return Deadlines.within(context.owner(), waitMillis, pool.getConnection(),
        () -> Future.failedFuture(new DatabaseBusyException(waitMillis)), SqlConnection::close);
  }
}
