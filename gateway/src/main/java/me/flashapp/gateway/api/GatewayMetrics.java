package me.flashapp.gateway.api;

import java.time.Duration;
import java.util.stream.LongStream;

/**
 * The histogram buckets of the gateway's own latency timers ({@code gateway_*_seconds_bucket} on
 * {@code /metrics}): 1 ms apart up to 10 ms (the targets live there), coarser above. A window's
 * percentiles are computed from them (the load generator reads them as its measured window opens
 * and closes); the timers' published quantiles cover a rolling two minutes instead.
 */
public final class GatewayMetrics {
  public static final Duration[] BUCKETS = LongStream.concat(LongStream.rangeClosed(1, 10),
          LongStream.of(12, 14, 16, 18, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 750, 1_000, 2_000,
              5_000, 10_000))
      .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private GatewayMetrics() {}
}
