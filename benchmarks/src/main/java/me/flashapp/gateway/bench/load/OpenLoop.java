package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.LongConsumer;

/**
 * An open-loop schedule: operations are fired at a constant rate whatever the server does, each
 * with its intended start time (System.nanoTime). A late tick fires every operation whose time
 * has come, each still carrying its own intended time, so a stall is charged to the latencies.
 */
final class OpenLoop {
  private OpenLoop() {}

  /**
   * Fires {@code op} with intended times {@code from, from + 1/rate, ...} strictly before
   * {@code until}; the future completes once the last one was fired.
   */
  static Future<Void> run(Vertx vertx, double rate, long from, long until, LongConsumer op) {
    Promise<Void> done = Promise.promise();
    if (rate <= 0) {
      done.complete();
      return done.future();
    }
    double intervalNanos = 1_000_000_000.0 / rate;
    long[] n = {0};
    // A 1 ms tick is the finest a Vert.x timer goes; at higher rates a tick fires a small batch.
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (true) {
        long intended = from + (long) (n[0] * intervalNanos);
        if (intended > now || intended >= until) {
          break;
        }
        n[0]++;
        op.accept(intended);
      }
      if (from + (long) (n[0] * intervalNanos) >= until) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** How many operations {@link #run} fires with intended times in [from, until). */
  static long expected(double rate, long fromNanos, long untilNanos) {
    if (rate <= 0 || untilNanos <= fromNanos) {
      return 0;
    }
    double intervalNanos = 1_000_000_000.0 / rate;
    return (long) Math.ceil((untilNanos - fromNanos) / intervalNanos);
  }
}
