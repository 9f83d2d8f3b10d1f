package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
  private static final long MS = 1_000_000L;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void warmupRunsAtItsOwnRateThenTheMeasuredRateStartsAtTheSwitch() throws Exception {
    List<Long> fired = new CopyOnWriteArrayList<>();
    long from = System.nanoTime();
    // 10/s during the first 200 ms (2 operations), then 100/s for 200 ms (20 operations)
    await(OpenLoop.run(vertx, 10, 100, from, from + 200 * MS, from + 400 * MS, fired::add));
    List<Long> offsets = fired.stream().map(t -> (t - from) / MS).toList();
    assertThat(offsets.subList(0, 2)).containsExactly(0L, 100L);
    assertThat(offsets.get(2)).isEqualTo(200L);
    assertThat(offsets).hasSize(22);
    assertThat(offsets.get(21)).isEqualTo(390L);
  }

  @Test
  void oneRateIsTheSameScheduleAsBefore() throws Exception {
    List<Long> fired = new CopyOnWriteArrayList<>();
    long from = System.nanoTime();
    await(OpenLoop.run(vertx, 50, from, from + 100 * MS, fired::add));
    assertThat(fired).hasSize(5);
    assertThat(fired.get(4) - from).isEqualTo(80 * MS);
  }
}
