package me.flashapp.gateway.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Runs passes of one background job (numbering the outbox, sending due webhooks) on one Vert.x
 * context: passes never overlap, any number of requests during a pass cause exactly one more, and
 * nothing runs after {@link #stop}. A failed pass is not retried at once: the owner's periodic
 * poll asks again, since spinning on a broken database helps no one.
 */
public final class Passes {
  private final Context context;
  private final Supplier<Future<Boolean>> pass;
  private boolean running;
  private boolean again;
  private boolean stopped;

  /**
   * @param pass one pass; completes with true when another should follow at once (a full batch)
   */
  public Passes(Context context, Supplier<Future<Boolean>> pass) {
    this.context = context;
    this.pass = pass;
  }

  /** Asks for a pass; safe from any thread. */
  public void request() {
    context.runOnContext(v -> {
      if (stopped) {
        return;
      }
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
      pass.get().onComplete(ar -> {
        running = false;
        if (ar.succeeded() && (again || Boolean.TRUE.equals(ar.result()))) {
          request();
        }
      });
    });
  }

  /** No pass starts after this; call it on the context. */
  public void stop() {
    stopped = true;
  }
}
