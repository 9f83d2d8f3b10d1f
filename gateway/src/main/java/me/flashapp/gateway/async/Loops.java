package me.flashapp.gateway.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Asynchronous loops whose length grows with the data (blocks to catch up, invoices to expire).
 *
 * <p>Why not {@code step().compose(more -> more ? loop() : done)}: each round then nests one future
 * inside the previous one, and when the last round ends the whole chain completes in one stack,
 * one frame group per round. Around ten thousand rounds that overflows the stack inside Vert.x's
 * completion code; the error is swallowed there and the loop's future never completes (a gateway
 * that had been down for a week of blocks, or expiring a backlog of invoices, would hang). Here
 * each round is started from the previous one's completion handler, with one promise for the whole
 * loop, and rounds that complete synchronously are run in a plain {@code while}, so the stack
 * stays flat however many rounds there are.
 */
public final class Loops {
  private Loops() {}

  /**
   * Runs {@code step} again and again, one round after the other, until a round yields false (the
   * loop then succeeds) or fails (the loop fails with it; a step that throws counts as a failure).
   */
  public static Future<Void> repeat(Supplier<Future<Boolean>> step) {
    Promise<Void> done = Promise.promise();
    new Runner(step, done).run();
    return done.future();
  }

  private static final class Runner {
    private final Supplier<Future<Boolean>> step;
    private final Promise<Void> done;

    Runner(Supplier<Future<Boolean>> step, Promise<Void> done) {
      this.step = step;
      this.done = done;
    }

    void run() {
      while (true) {
        Future<Boolean> round;
        try {
          round = step.get();
        } catch (RuntimeException e) {
          done.fail(e);
          return;
        }
        if (!round.isComplete()) {
          round.onComplete(ar -> {
            if (next(ar.failed() ? null : ar.result(), ar.cause())) {
              run();
            }
          });
          return;
        }
        if (!next(round.failed() ? null : round.result(), round.cause())) {
          return;
        }
      }
    }

    /** Whether to run another round; otherwise ends the loop. */
    private boolean next(Boolean more, Throwable failure) {
      if (failure != null) {
        done.fail(failure);
        return false;
      }
      if (!Boolean.TRUE.equals(more)) {
        done.complete();
        return false;
      }
      return true;
    }
  }
}
