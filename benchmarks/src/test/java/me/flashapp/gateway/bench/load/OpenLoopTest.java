package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
  private static final long MS = 1_000_000L;

  @Test
  void warmupRunsAtItsOwnRateThenTheMeasuredRateStartsAtTheSwitch() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<Long> fired = new CopyOnWriteArrayList<>();
      long from = System.nanoTime();
      long switchAt = from + 200 * MS;
      long until = from + 400 * MS;
      // 10/s during the first 200 ms (2 operations), then 100/s for 200 ms (20 operations)
      OpenLoop.run(vertx, 10, 100, from, switchAt, until, fired::add).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      List<Long> offsets = fired.stream().map(t -> (t - from) / MS).toList();
      assertThat(offsets.subList(0, 2)).containsExactly(0L, 100L);
      assertThat(offsets.get(2)).isEqualTo(200L);
      assertThat(offsets).hasSize(22);
      assertThat(offsets.get(21)).isEqualTo(390L);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void oneRateIsTheSameScheduleAsBefore() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<Long> fired = new CopyOnWriteArrayList<>();
      long from = System.nanoTime();
      OpenLoop.run(vertx, 50, from, from + 100 * MS, fired::add).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      assertThat(fired).hasSize(5);
      assertThat(fired.get(4) - from).isEqualTo(80 * MS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
