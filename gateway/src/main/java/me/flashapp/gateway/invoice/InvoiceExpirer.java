package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Iterator;
import java.util.List;
import me.flashapp.gateway.async.Loops;
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
    int[] changed = {0};
    return Loops.repeat(() -> InvoiceRepository.dueForExpiry(pool, invoices.clock().instant(), BATCH)
        .compose(ids -> expireAll(ids).map(n -> {
          changed[0] += n;
          // a full batch may have more behind it; a batch where nothing changed would repeat forever
          return ids.size() == BATCH && n > 0;
        }))).map(v -> changed[0]);
  }

  /** Re-evaluates each invoice in turn; one that fails is logged and skipped. Yields how many changed. */
  private Future<Integer> expireAll(List<String> ids) {
    Iterator<String> next = ids.iterator();
    int[] changed = {0};
    return Loops.repeat(() -> {
      if (!next.hasNext()) {
        return Future.succeededFuture(false);
      }
      String id = next.next();
      return invoices.reevaluate(id)
          .map(inv -> {
            if (inv != null && inv.status() != InvoiceStatus.New) {
              changed[0]++;
            }
            return true;
          })
          .recover(err -> {
            LOG.warn("could not expire invoice {}: {}", id, err.toString());
            return Future.succeededFuture(true);
          });
    }).map(v -> changed[0]);
  }
}
