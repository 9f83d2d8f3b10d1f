package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The warmup records through the same code as the window, into a twin the report never reads. */
class OpStatsTest {
  @Test
  void theWarmupsRecordsStayOutOfTheWindowsFigures() {
    OpStats op = new OpStats("settlement", true);
    long now = System.nanoTime();
    op.in(false).successAt(now - 900_000_000L, now); // 900 ms, during the warmup
    op.in(false).error("warmup hiccup");
    op.in(true).successAt(now - 2_000_000L, now); // 2 ms, measured
    op.in(true).successAt(now - 4_000_000L, now); // 4 ms, measured

    assertThat(op.in(true)).isSameAs(op);
    assertThat(op.sampleInterval().getTotalCount()).isEqualTo(2);
    JsonObject summary = op.summary(1.0);
    assertThat(summary.getLong("ok")).isEqualTo(2L);
    assertThat(summary.getLong("errors")).isZero();
    assertThat(summary.getDouble("maxMs")).isBetween(3.99, 4.01);
    assertThat(summary.containsKey("errorSamples")).isFalse();

    OpStats warmup = op.in(false);
    assertThat(warmup.name).isEqualTo("settlement");
    assertThat(warmup.in(false)).isSameAs(warmup);
    assertThat(warmup.ok()).isEqualTo(1L);
    assertThat(warmup.errors()).isEqualTo(1L);
    assertThat(warmup.sampleInterval().getMaxValue() / 1000).isBetween(899L, 901L);
  }
}
