package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.Gateway;
import me.flashapp.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's quick smoke run, so the benchmarks jar and the load generator never rot: a few seconds of
 * open-loop invoice creation against a real gateway (embedded PostgreSQL), and one short JMH run.
 * Real measurements stay out of CI (docs/benchmarks.md).
 */
class SmokeTest {
  private static final String KEY = "smoke-admin-key-0123456789";

  @Test
  void loadGeneratorDrivesARealGateway() throws Exception {
    Path data = Files.createTempDirectory("smoke-gateway");
    Path out = Files.createTempDirectory("smoke-load");
    Vertx vertx = Vertx.vertx();
    Gateway gw = Gateway.start(vertx, true, GatewayConfig.from(Map.of("httpPort", "0", "dataDir", data.toString(),
            "bootstrapApiKey", KEY, "httpInstances", "1")), Clock.systemUTC(), null)
        .toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    try {
      LoadOptions options = LoadOptions.parse(new String[] {"--url", "http://localhost:" + gw.httpPort(), "--key", KEY,
          "--smoke", "--rate", "20", "--out", out.toString()});
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      LoadGenerator generator = new LoadGenerator(options);
      int failures = generator.run(new PrintStream(console, true));
      assertThat(failures).as(console.toString()).isZero();
      JsonObject summary = new JsonObject(Files.readString(out.resolve("summary.json")));
      assertThat(summary.getLong("ok")).isEqualTo(60L); // 20/s for the 3 measured seconds
      assertThat(summary.getLong("errors")).isZero();
      assertThat(Files.readString(out.resolve("invoice-create.hgrm"))).contains("Percentile");
    } finally {
      gw.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
  }

  @Test
  void jmhBenchmarksRun() throws Exception {
    var results = new Runner(new OptionsBuilder()
        .include("InvoiceJsonBenchmark.invoice$")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .build()).run();
    assertThat(results).hasSize(1);
    RunResult r = results.iterator().next();
    assertThat(r.getPrimaryResult().getScore()).isPositive();
  }

  @Test
  void helpDocumentsEveryOption() {
    assertThat(LoadOptions.parse(new String[] {"--help"})).isNull();
    for (String option : new String[] {"--url", "--key", "--store", "--rate", "--duration", "--warmup", "--connections",
        "--out", "--smoke"}) {
      assertThat(LoadOptions.USAGE).contains(option);
    }
  }
}
