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
    return run(vertx, rate, rate, from, from, until, op);
  }

  /**
   * As {@link #run(Vertx, double, long, long, LongConsumer)}, at {@code warmRate} before
   * {@code switchAt} and at {@code rate} from {@code switchAt} on (the first intended time of the
   * second phase is {@code switchAt} itself).
   */
  static Future<Void> run(Vertx vertx, double warmRate, double rate, long from, long switchAt, long until,
                          LongConsumer op) {
    Promise<Void> done = Promise.promise();
    if (rate <= 0) {
      done.complete();
      return done.future();
    }
    Phase warm = new Phase(warmRate, from, Math.min(switchAt, until));
    Phase hot = new Phase(rate, Math.max(from, switchAt), until);
    // A 1 ms tick is the finest a Vert.x timer goes; at higher rates a tick fires a small batch.
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      warm.fireDue(now, op);
      if (warm.finished()) {
        hot.fireDue(now, op);
      }
      if (warm.finished() && hot.finished()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** One constant-rate stretch of the schedule: intended times in [from, until). */
  private static final class Phase {
    private final double intervalNanos;
    private final long from;
    private final long until;
    private long n;

    Phase(double rate, long from, long until) {
      this.intervalNanos = rate > 0 ? 1_000_000_000.0 / rate : Double.POSITIVE_INFINITY;
      this.from = from;
      this.until = until;
    }

    void fireDue(long now, LongConsumer op) {
      while (!finished()) {
        long intended = next();
        if (intended > now) {
          return;
        }
        n++;
        op.accept(intended);
      }
    }

    private long next() {
      return from + (long) (n * intervalNanos);
    }

    boolean finished() {
      return from >= until || intervalNanos == Double.POSITIVE_INFINITY || next() >= until;
    }
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
