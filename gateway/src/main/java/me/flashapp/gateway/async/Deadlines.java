package me.flashapp.gateway.async;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Work bounded by a deadline: whichever of the work and the deadline comes first decides the
 * answer, in one promise whose {@code tryComplete} and {@code tryFail} cannot both win.
 */
public final class Deadlines {
  private Deadlines() {}

  /**
   * {@code work}'s outcome if it comes within {@code millis}, else {@code onTimeout}'s (a completed
   * future: a failure, or a stand-in answer). A success that arrives after the deadline is handed
   * to {@code late} (e.g. to close a connection nobody waits for any more), if given.
   */
  public static <T> Future<T> within(Vertx vertx, long millis, Future<T> work, Supplier<Future<T>> onTimeout,
                                     Consumer<? super T> late) {
    Promise<T> answer = Promise.promise();
    long timer = vertx.setTimer(millis, id -> settle(answer, onTimeout.get()));
    work.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (!settle(answer, ar) && ar.succeeded() && late != null) {
        late.accept(ar.result());
      }
    });
    return answer.future();
  }

  private static <T> boolean settle(Promise<T> answer, AsyncResult<T> ar) {
    return ar.succeeded() ? answer.tryComplete(ar.result()) : answer.tryFail(ar.cause());
  }
}
