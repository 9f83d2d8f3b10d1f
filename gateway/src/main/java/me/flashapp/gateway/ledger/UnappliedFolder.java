package me.flashapp.gateway.ledger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code ledger_unapplied} short: folds its lines into their accounts' balances every
 * interval, in batches, one pass at a time on this node (other nodes may fold too; see
 * {@link Ledger#foldUnapplied}). Balances read the same before and after a fold.
 */
public final class UnappliedFolder {
  private static final Logger LOG = LoggerFactory.getLogger(UnappliedFolder.class);
  static final int BATCH = 5_000;

  private final Pool pool;
  private boolean running;

  public UnappliedFolder(Pool pool) {
    this.pool = pool;
  }

  /** Folds until a batch comes back short; answers how many lines it folded (0 if a pass was running). */
  public Future<Long> foldAll() {
    if (running) {
      return Future.succeededFuture(0L);
    }
    running = true;
    return next(0).onComplete(ar -> running = false);
  }

  private Future<Long> next(long sofar) {
    return Ledger.foldUnapplied(pool, BATCH)
        .compose(n -> n < BATCH ? Future.succeededFuture(sofar + n) : next(sofar + n));
  }

  /** Runs {@link #foldAll} every {@code millis}; returns the timer id. */
  public long schedule(Vertx vertx, long millis) {
    return vertx.setPeriodic(millis, id -> foldAll()
        .onFailure(err -> LOG.warn("folding unapplied ledger lines failed: {}", err.toString())));
  }
}
