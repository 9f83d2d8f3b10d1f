package me.flashapp.gateway.bench.load;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * {@code latency.html}: one self-contained page (inline SVG, no script) with the percentile curve of
 * every operation that has latencies, drawn the way HdrHistogram's plotter does it: the x axis is
 * 1/(1-percentile) on a log scale, so 90%, 99%, 99.9%... are evenly spaced and the tail is visible;
 * the y axis is latency in ms, also log scale so fast and slow operations share one chart.
 */
final class LatencyChart {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
      "#17becf"};
  private static final int W = 900;
  private static final int H = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 50;

  private LatencyChart() {}

  static String html(JsonObject summary, List<OpStats> ops) {
    List<OpStats> curves = ops.stream().filter(op -> op.hasLatency && op.total().getTotalCount() > 0).toList();
    long maxCount = curves.stream().mapToLong(op -> op.total().getTotalCount()).max().orElse(10);
    double maxX = Math.max(2, Math.min(6, Math.ceil(Math.log10(maxCount))));
    double minMs = 0.1;
    double maxMs = 10;
    for (OpStats op : curves) {
      maxMs = Math.max(maxMs, op.total().getMaxValue() / 1000.0);
    }
    double minY = Math.log10(minMs);
    double maxY = Math.ceil(Math.log10(maxMs));
    StringBuilder svg = new StringBuilder();
    svg.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'"
        + " font-size='12'>%n", W, H));
    // grid and axes
    for (int d = 0; d <= maxX; d++) {
      double x = px(d, maxX);
      String label = d == 0 ? "0%" : percentLabel(d);
      svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>"
          + "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>%n", x, TOP, x, H - BOTTOM, x, H - BOTTOM + 16, label));
    }
    for (int e = (int) minY; e <= maxY; e++) {
      double y = py(e, minY, maxY);
      svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>"
          + "<text x='%d' y='%.1f' text-anchor='end'>%s ms</text>%n", LEFT, y, W - RIGHT, y, LEFT - 6, y + 4,
          trim(Math.pow(10, e))));
    }
    svg.append(String.format("<text x='%d' y='%d' text-anchor='middle'>percentile</text>%n", (LEFT + W - RIGHT) / 2,
        H - 12));
    for (int i = 0; i < curves.size(); i++) {
      OpStats op = curves.get(i);
      String color = COLORS[i % COLORS.length];
      svg.append("<polyline fill='none' stroke-width='2' stroke='").append(color).append("' points='");
      Histogram h = op.total();
      for (HistogramIterationValue v : h.percentiles(5)) {
        double pct = v.getPercentileLevelIteratedTo();
        double x = pct >= 100 ? maxX : Math.min(maxX, Math.log10(100.0 / (100.0 - pct)));
        double ms = Math.max(minMs, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(x, maxX), py(Math.log10(ms), minY, maxY)));
      }
      svg.append("'/>\n");
      svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/>"
          + "<text x='%d' y='%d'>%s</text>%n", LEFT + 10, TOP + 8 + 18 * i, color, LEFT + 28, TOP + 18 + 18 * i,
          op.name));
    }
    svg.append("</svg>\n");
    return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Flash Gateway load run</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style>
        </head><body>
        <h1>Flash Gateway load run</h1>
        <p>%s &middot; %d s measured after %d s warmup &middot; latencies from each operation's intended start
        (coordinated omission corrected)</p>
        %s
        %s
        <h2>Summary</h2><pre>%s</pre>
        </body></html>
        """.formatted(escape(summary.getString("url")), summary.getInteger("durationSeconds"),
        summary.getInteger("warmupSeconds"), table(summary.getJsonObject("operations")), svg,
        escape(summary.encodePrettily()));
  }

  private static String table(JsonObject operations) {
    StringBuilder t = new StringBuilder("<table><tr><th>operation</th><th>ok</th><th>errors</th><th>per s</th>"
        + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max (ms)</th></tr>\n");
    for (String name : operations.fieldNames()) {
      JsonObject s = operations.getJsonObject(name);
      t.append("<tr><td>").append(escape(name)).append("</td><td>").append(s.getValue("ok")).append("</td><td>")
          .append(s.getValue("errors")).append("</td><td>").append(s.getValue("throughputPerSecond")).append("</td>");
      for (String k : new String[] {"p50ms", "p90ms", "p99ms", "p999ms", "maxMs"}) {
        t.append("<td>").append(s.containsKey(k) ? s.getValue(k) : "").append("</td>");
      }
      t.append("</tr>\n");
    }
    return t.append("</table>").toString();
  }

  private static double px(double x, double maxX) {
    return LEFT + x / maxX * (W - LEFT - RIGHT);
  }

  private static double py(double logMs, double minY, double maxY) {
    double clamped = Math.max(minY, Math.min(maxY, logMs));
    return H - BOTTOM - (clamped - minY) / (maxY - minY) * (H - TOP - BOTTOM);
  }

  /** 1 → 90%, 2 → 99%, 3 → 99.9%, ... */
  private static String percentLabel(int nines) {
    return nines == 1 ? "90%" : "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
  }

  private static String trim(double v) {
    return v >= 1 ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
