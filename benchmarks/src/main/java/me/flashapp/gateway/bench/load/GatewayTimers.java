package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's own latency timers ({@code gateway_*_seconds}, exported with histogram buckets)
 * over exactly the measured window: {@code /metrics} is read when the window opens and when it
 * closes, and the percentiles come from the difference of the cumulative bucket counts. The
 * timers' own quantiles are a rolling two-minute window, which also covers part of the warmup.
 *
 * <p>A percentile is reported as the upper bound of the bucket it falls in (the gateway's buckets
 * are 1 ms apart up to 10 ms, coarser above: {@code GatewayMetrics.BUCKETS}), so it is never lower
 * than the exact value.
 */
final class GatewayTimers {
  /** How long a read of {@code /metrics} may take: the run's report waits for it. */
  static final long READ_TIMEOUT_MILLIS = 10_000;
  private static final String PREFIX = "gateway_";
  private static final String SUFFIX = "_seconds_bucket{";
  private static final Map<String, Double> QUANTILES = new LinkedHashMap<>();

  static {
    QUANTILES.put("p50", 0.5);
    QUANTILES.put("p90", 0.9);
    QUANTILES.put("p99", 0.99);
    QUANTILES.put("p99.9", 0.999);
  }

  /** Series (name with its labels, {@code le} left out) → upper bound in seconds → cumulative count. */
  private final Map<String, TreeMap<Double, Long>> series;

  private GatewayTimers(Map<String, TreeMap<Double, Long>> series) {
    this.series = series;
  }

  /**
   * The exposition as text. It is parsed later, off the event loops ({@link Expositions#window}):
   * parsed on one as the window opens, its first (interpreted) run would hold up the frames and
   * answers that loop measures in the window's first second.
   */
  static Future<String> read(GatewayApi api) {
    return api.send(HttpMethod.GET, "/metrics", null, READ_TIMEOUT_MILLIS).map(Object::toString);
  }

  /** The expositions read as the window opened and as it closed, as text. */
  record Expositions(String atStart, String atEnd) {
    /** The timers over the window between them (see {@link #since}). */
    JsonObject window() {
      return parse(atEnd).since(parse(atStart));
    }
  }

  static GatewayTimers parse(String exposition) {
    Map<String, TreeMap<Double, Long>> out = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      int labels = line.indexOf(SUFFIX);
      if (!line.startsWith(PREFIX) || labels < 0) {
        continue;
      }
      int close = line.lastIndexOf('}');
      int le = line.indexOf("le=\"", labels);
      if (close < 0 || le < 0 || le > close) {
        continue;
      }
      String bound = line.substring(le + 4, line.indexOf('"', le + 4));
      String rest = (line.substring(labels + SUFFIX.length(), le) + line.substring(line.indexOf('"', le + 4) + 1, close))
          .replaceAll("^,|,$", "").replace(",,", ",");
      String key = line.substring(0, labels) + "_seconds" + (rest.isEmpty() ? "" : "{" + rest + "}");
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      long count = (long) Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
      out.computeIfAbsent(key, k -> new TreeMap<>()).put(upper, count);
    }
    return new GatewayTimers(out);
  }

  /**
   * Per series with samples in the window: {@code {count, p50, p90, p99, p999}} in milliseconds
   * (bucket upper bounds; {@code null} for a percentile beyond the last finite bucket).
   */
  JsonObject since(GatewayTimers before) {
    JsonObject out = new JsonObject();
    series.forEach((key, after) -> {
      TreeMap<Double, Long> earlier = before.series.getOrDefault(key, new TreeMap<>());
      List<double[]> window = new ArrayList<>();
      after.forEach((upper, count) -> window.add(new double[] {upper, count - earlier.getOrDefault(upper, 0L)}));
      long total = window.isEmpty() ? 0 : (long) window.get(window.size() - 1)[1];
      if (total <= 0) {
        return;
      }
      JsonObject q = new JsonObject().put("count", total);
      QUANTILES.forEach((name, quantile) -> q.put(name, quantileMillis(window, total, quantile)));
      out.put(key, q);
    });
    return out;
  }

  private static Double quantileMillis(List<double[]> window, long total, double q) {
    double rank = Math.ceil(q * total);
    for (double[] b : window) {
      if (b[1] >= rank) {
        return Double.isInfinite(b[0]) ? null : Math.round(b[0] * 1e6) / 1e3;
      }
    }
    return null;
  }
}
