package me.flashapp.gateway.bench.load;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The end of a run: per operation a console line, {@code <operation>.hgrm} (HdrHistogram's
 * percentile distribution, values in milliseconds), then {@code summary.json} and
 * {@code latency.html} in the output directory.
 */
final class Report {
  private Report() {}

  /** Writes every file and prints the per-operation lines; returns the summary. */
  static JsonObject write(LoadOptions o, List<String> stores, List<OpStats> ops, JsonObject ceilings,
      JsonObject extra, JsonObject gatewayTimers, PrintStream out) throws IOException {
    Files.createDirectories(o.out());
    JsonObject operations = new JsonObject();
    long errors = 0;
    for (OpStats op : ops) {
      op.sampleInterval(); // fold in what arrived since the last progress line
      JsonObject s = op.summary(o.durationSeconds());
      operations.put(op.name, s);
      errors += op.errors();
      if (op.hasLatency) {
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(o.out().resolve(op.name + ".hgrm")))) {
          op.total().outputPercentileDistribution(hgrm, 1000.0);
        }
      }
    }
    addTargetsAndRatios(o, operations, ceilings);
    extra.forEach(e -> operations.getJsonObject(e.getKey(), new JsonObject()).mergeIn((JsonObject) e.getValue()));
    JsonObject summary = new JsonObject()
        .put("finishedAt", Instant.now().toString())
        .put("url", o.url()).put("lightningPayer", o.lightningPayer() != null ? o.lightningPayer() : o.url())
        .put("store", stores.get(0))
        .put("stores", stores.size())
        .put("durationSeconds", o.durationSeconds())
        .put("warmupSeconds", o.warmupSeconds())
        .put("warmupRate", o.warmupRate())
        .put("options", new JsonObject().put("rate", o.rate()).put("terminals", o.terminals())
            .put("payments", o.payments()).put("paymentKind", o.paymentKind().name().toLowerCase())
            .put("methods", o.noMethods() ? "none" : "default")
            .put("stores", o.stores()).put("connections", o.connections()).put("smoke", o.smoke()))
        .put("ceilings", ceilings)
        .put("errors", errors)
        .put("operations", operations)
        .put("gatewayTimers", gatewayTimers);
    Files.writeString(o.out().resolve("summary.json"), summary.encodePrettily());
    Files.writeString(o.out().resolve("latency.html"), LatencyChart.html(summary, ops));
    for (OpStats op : ops) {
      out.println(line(op.name, operations.getJsonObject(op.name)));
    }
    gatewayTimers.forEach(e -> {
      JsonObject t = (JsonObject) e.getValue();
      out.printf("inside the gateway, measured window: %s n=%d p50%s p90%s p99%s p99.9%s ms%n", e.getKey(),
          t.getLong("count"), atMost(t.getValue("p50")), atMost(t.getValue("p90")), atMost(t.getValue("p99")),
          atMost(t.getValue("p99.9")));
    });
    out.println("results in " + o.out().toAbsolutePath() + " (summary.json, latency.html, *.hgrm)");
    return summary;
  }

  /** "<=bound", or "=beyond the last bucket" for a percentile above every finite bucket (null). */
  private static String atMost(Object bound) {
    return bound == null ? "=beyond the last bucket" : "<=" + bound;
  }

  private static void addTargetsAndRatios(LoadOptions o, JsonObject operations, JsonObject ceilings) {
    JsonObject inv = operations.getJsonObject("invoice-create");
    if (inv != null) {
      inv.put("targetRate", o.rate());
      double throughput = inv.getDouble("throughputPerSecond");
      if (ceilings.containsKey("pgInsertTxPerSecond")) {
        inv.put("ratioToPgInsertCeiling", OpStats.round(throughput / ceilings.getLong("pgInsertTxPerSecond"), 3));
      }
      if (ceilings.containsKey("plainHttpPerSecond")) {
        inv.put("ratioToPlainHttpCeiling", OpStats.round(throughput / ceilings.getLong("plainHttpPerSecond"), 3));
      }
    }
    JsonObject inject = operations.getJsonObject("payment-inject");
    if (inject != null) {
      inject.put("targetRate", o.payments());
    }
  }

  private static String line(String name, JsonObject s) {
    StringBuilder b = new StringBuilder(String.format("%-18s ok=%d errors=%d throughput=%.1f/s", name,
        s.getLong("ok"), s.getLong("errors"), s.getDouble("throughputPerSecond")));
    if (s.containsKey("p50ms")) {
      b.append(String.format(" p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f ms", s.getDouble("p50ms"),
          s.getDouble("p90ms"), s.getDouble("p99ms"), s.getDouble("p999ms"), s.getDouble("maxMs")));
    }
    if (s.containsKey("errorSamples")) {
      b.append(" first errors: ").append(s.getJsonObject("errorSamples").encode());
    }
    return b.toString();
  }
}
