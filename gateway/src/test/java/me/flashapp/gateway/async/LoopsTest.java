package me.flashapp.gateway.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoopsTest {
  private static final int ROUNDS = 200_000;

  @Test
  void manySynchronousRoundsKeepTheStackFlat() {
    AtomicInteger n = new AtomicInteger();
    Future<Void> loop = Loops.repeat(() -> Future.succeededFuture(n.incrementAndGet() < ROUNDS));
    assertTrue(loop.succeeded(), () -> String.valueOf(loop.cause()));
    assertEquals(ROUNDS, n.get());
  }

  @Test
  void manyAsynchronousRoundsCompleteTheLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger n = new AtomicInteger();
      CompletableFuture<Void> result = new CompletableFuture<>();
      vertx.runOnContext(v -> Loops.repeat(() -> vertx.<Boolean>executeBlocking(() -> n.incrementAndGet() < 20_000))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              result.complete(null);
            } else {
              result.completeExceptionally(ar.cause());
            }
          }));
      result.get(2, TimeUnit.MINUTES);
      assertEquals(20_000, n.get());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  void aFailingOrThrowingRoundEndsTheLoopWithItsError() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger n = new AtomicInteger();
    Future<Void> failed = Loops.repeat(() -> n.incrementAndGet() == 3 ? Future.failedFuture(boom)
        : Future.succeededFuture(true));
    assertSame(boom, failed.cause());
    assertEquals(3, n.get());
    Future<Void> thrown = Loops.repeat(() -> {
      throw boom;
    });
    assertSame(boom, thrown.cause());
  }
}
