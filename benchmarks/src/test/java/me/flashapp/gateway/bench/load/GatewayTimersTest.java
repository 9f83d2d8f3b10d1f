package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GatewayTimersTest {
  /** Prometheus text as Micrometer writes a timer with histogram buckets (cumulative counts). */
  private static String exposition(long le2ms, long le5ms, long le10ms, long le20ms, long inf) {
    return "# HELP gateway_card_tap_seconds POS cardPayment frame received -> result frame ready\n"
        + "# TYPE gateway_card_tap_seconds histogram\n"
        + "gateway_card_tap_seconds{status=\"settled\",quantile=\"0.99\"} 0.0123\n"
        + "gateway_card_tap_seconds_bucket{status=\"settled\",le=\"0.002\"} " + le2ms + ".0\n"
        + "gateway_card_tap_seconds_bucket{status=\"settled\",le=\"0.005\"} " + le5ms + ".0\n"
        + "gateway_card_tap_seconds_bucket{status=\"settled\",le=\"0.01\"} " + le10ms + ".0\n"
        + "gateway_card_tap_seconds_bucket{status=\"settled\",le=\"0.02\"} " + le20ms + ".0\n"
        + "gateway_card_tap_seconds_bucket{status=\"settled\",le=\"+Inf\"} " + inf + ".0\n"
        + "gateway_card_tap_seconds_count{status=\"settled\"} " + inf + ".0\n"
        + "gateway_pos_push_seconds_bucket{le=\"0.002\"} 7.0\n"
        + "gateway_pos_push_seconds_bucket{le=\"+Inf\"} 7.0\n"
        + "vertx_http_server_requests_seconds_bucket{le=\"0.002\"} 99.0\n";
  }

  @Test
  void percentilesCoverOnlyTheWindowBetweenTwoReadings() {
    // before the window: 100 samples, all slow (warmup); in it: 1,000 more
    GatewayTimers before = GatewayTimers.parse(exposition(0, 0, 0, 100, 100));
    GatewayTimers after = GatewayTimers.parse(exposition(500, 900, 989, 1_095, 1_100));
    JsonObject window = after.since(before);

    JsonObject tap = window.getJsonObject("gateway_card_tap_seconds{status=\"settled\"}");
    assertThat(tap.getLong("count")).isEqualTo(1_000);
    assertThat(tap.getDouble("p50")).isEqualTo(2.0);   // 500 of 1,000 at or below 2 ms
    assertThat(tap.getDouble("p90")).isEqualTo(5.0);   // 900
    assertThat(tap.getDouble("p99")).isEqualTo(20.0);  // 989 < 990: the 990th is in the next bucket
    assertThat(tap.getValue("p99.9")).isNull();        // beyond the last finite bucket
    // a series with nothing in the window is left out; other meters are not read
    assertThat(window.fieldNames()).containsExactly("gateway_card_tap_seconds{status=\"settled\"}");
  }

  @Test
  void aTimerFirstSeenInTheWindowCountsFromZero() {
    // (the texts as read, parsed together at the end of the run)
    JsonObject window = new GatewayTimers.Expositions("", exposition(10, 10, 10, 10, 10)).window();
    assertThat(window.getJsonObject("gateway_pos_push_seconds").getLong("count")).isEqualTo(7);
    assertThat(window.getJsonObject("gateway_pos_push_seconds").getDouble("p99")).isEqualTo(2.0);
    assertThat(window.getJsonObject("gateway_card_tap_seconds{status=\"settled\"}").getDouble("p50")).isEqualTo(2.0);
  }
}
