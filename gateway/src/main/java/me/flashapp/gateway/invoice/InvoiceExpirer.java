package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves New invoices past their expiry through the state machine. Each sweep reads only the
 * invoices that are due, through a partial index on New invoices' expiry (never the whole table),
 * in batches, and re-evaluates each in its own transaction.
 */
public final class InvoiceExpirer {
  private static final Logger LOG = LoggerFactory.getLogger(InvoiceExpirer.class);
  static final int BATCH = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final InvoiceService invoices;
  private long timerId = -1;
  private boolean running;

  public InvoiceExpirer(Vertx vertx, Pool pool, InvoiceService invoices) {
    this.vertx = vertx;
    this.pool = pool;
    this.invoices = invoices;
  }

  public void start(long intervalMillis) {
    timerId = vertx.setPeriodic(intervalMillis, id -> {
      if (!running) {
        running = true;
        sweep().onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.warn("expiry sweep failed: {}", ar.cause().toString());
          }
        });
      }
    });
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Expires everything due now; completes with how many invoices changed status. */
  public Future<Integer> sweep() {
    return InvoiceRepository.dueForExpiry(pool, invoices.clock().instant(), BATCH).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return expireAll(ids, 0, 0).compose(n -> ids.size() == BATCH && n > 0 ? sweep().map(m -> n + m) : Future.succeededFuture(n));
    });
  }

  private Future<Integer> expireAll(List<String> ids, int index, int changed) {
    if (index == ids.size()) {
      return Future.succeededFuture(changed);
    }
    return invoices.reevaluate(ids.get(index))
        .map(inv -> inv != null && inv.status() != InvoiceStatus.New ? 1 : 0)
        .recover(err -> {
          LOG.warn("could not expire invoice {}: {}", ids.get(index), err.toString());
          return Future.succeededFuture(0);
        })
        .compose(c -> expireAll(ids, index + 1, changed + c));
  }
}
