package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
import me.flashapp.gateway.devnet.DevnetLnd;
import me.flashapp.gateway.lightning.Bolt11Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's quick smoke run, so the benchmarks jar and the load generator never rot: a few seconds of
 * open-loop load against a real gateway in dev mode (embedded PostgreSQL, devnet simulators) —
 * invoice creation alone (also on a store whose payment methods the generator disabled), terminals
 * with Lightning and on-chain payments, card taps on POS sockets — and one short JMH run. Real measurements stay out of CI (docs/benchmarks.md).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a wedged run fails here instead of holding CI to its limit
class SmokeTest {
  private static final String KEY = "smoke-admin-key-0123456789";
  private static Vertx vertx;
  private static Gateway gw;

  @BeforeAll
  static void startGateway() throws Exception {
    Path data = Files.createTempDirectory("smoke-gateway");
    vertx = Vertx.vertx();
    gw = Gateway.start(vertx, true, GatewayConfig.from(Map.of("httpPort", "0", "dataDir", data.toString(),
            "bootstrapApiKey", KEY, "httpInstances", "1")), Clock.systemUTC(), null)
        .toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
  }

  @AfterAll
  static void stopGateway() throws Exception {
    gw.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  /** Runs the generator with {@code args} (plus url, key, out); returns the summary, asserting no error. */
  private static JsonObject runGenerator(Path out, String... args) throws Exception {
    return runGeneratorAt("http://localhost:" + gw.httpPort(), out, args);
  }

  /** As {@link #runGenerator(Path, String...)} against the gateway at {@code url}. */
  private static JsonObject runGeneratorAt(String url, Path out, String... args) throws Exception {
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"--url", url, "--key", KEY, "--out", out.toString()}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int failures;
    try (LoadGenerator generator = new LoadGenerator(LoadOptions.parse(all))) {
      failures = generator.run(new PrintStream(console, true));
    }
    System.out.print(console); // the generator's own report, for CI logs
    assertThat(failures).as(console.toString()).isZero();
    return new JsonObject(Files.readString(out.resolve("summary.json")));
  }

  @Test
  void invoiceCreationDrivesARealGateway() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    JsonObject ops = runGenerator(out, "--smoke", "--rate", "20").getJsonObject("operations");
    assertThat(ops.getJsonObject("invoice-create").getLong("ok")).isEqualTo(60L); // 20/s for the 3 measured seconds
    assertThat(ops.getJsonObject("invoice-create").getLong("errors")).isZero();
    assertThat(Files.readString(out.resolve("invoice-create.hgrm"))).contains("Percentile");
  }

  @Test
  void terminalsSeeLightningAndChainPaymentsSettle() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    JsonObject summary = runGenerator(out, "--smoke", "--rate", "10", "--terminals", "3", "--payments", "6",
        "--payment-kind", "mixed");
    assertThat(summary.getLong("errors")).isZero();
    JsonObject ops = summary.getJsonObject("operations");
    assertThat(ops.getJsonObject("terminal-connect").getLong("ok")).isEqualTo(3L);
    // receivedTotal, not ok: on a loaded CI machine the events may all land after the 3 measured seconds
    assertThat(ops.getJsonObject("terminal-events").getLong("receivedTotal")).isPositive();
    assertThat(ops.getJsonObject("terminal-events").getLong("errors")).isZero();
    long injected = ops.getJsonObject("payment-inject").getLong("ok");
    assertThat(injected).isPositive();
    // every injected payment (half Lightning, half on-chain) reached a terminal, and all three terminals
    JsonObject settlement = ops.getJsonObject("settlement");
    assertThat(settlement.getLong("ok")).isEqualTo(injected);
    assertThat(settlement.getLong("samples")).isEqualTo(injected);
    assertThat(ops.getJsonObject("settlement-fanout").getLong("ok")).isEqualTo(3 * injected);
    assertThat(ops.getJsonObject("chain-mine").getLong("ok")).isPositive();
    assertThat(Files.readString(out.resolve("settlement.hgrm"))).contains("Percentile");
    assertThat(Files.readString(out.resolve("latency.html"))).contains("<svg").contains("settlement")
        .doesNotContain("<script");
  }

  @Test
  void storesSpreadTerminalsAndPaymentsSoEachEventReachesOnlyItsStoresTerminals() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    JsonObject summary = runGenerator(out, "--smoke", "--rate", "9", "--terminals", "6", "--stores", "3",
        "--payments", "6", "--payment-kind", "ln");
    assertThat(summary.getInteger("stores")).isEqualTo(3);
    JsonObject ops = summary.getJsonObject("operations");
    assertThat(ops.getJsonObject("terminal-connect").getLong("ok")).isEqualTo(6L);
    assertThat(ops.getJsonObject("invoice-create").getLong("ok")).isEqualTo(27L);
    long injected = ops.getJsonObject("payment-inject").getLong("ok");
    assertThat(injected).isPositive();
    assertThat(ops.getJsonObject("settlement").getLong("ok")).isEqualTo(injected);
    // two terminals a store: each settlement reaches its own store's two, not all six
    assertThat(ops.getJsonObject("settlement-fanout").getLong("ok")).isEqualTo(2 * injected);
    assertThat(ops.getJsonObject("terminal-events").getLong("errors")).isZero();
    // invoices went to the three stores in turn
    GatewayApi api = new GatewayApi(vertx, "http://localhost:" + gw.httpPort(), KEY, 1);
    try {
      JsonArray stores = await(api.getArray("/api/v1/stores"));
      long loadStores = stores.stream().map(o -> ((JsonObject) o).getString("name"))
          .filter(n -> n.matches("load-test-[123]")).count();
      assertThat(loadStores).isGreaterThanOrEqualTo(3);
    } finally {
      await(api.close());
    }
  }

  @Test
  void prepareFirstCreatesEveryInvoiceBeforeThePaymentsAndPaysEachOnce() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    JsonObject summary = runGenerator(out, "--smoke", "--rate", "0", "--terminals", "2", "--payments", "8",
        "--payment-kind", "ln", "--prepare-first");
    JsonObject ops = summary.getJsonObject("operations");
    // 8/s over 1 s of warmup and 3 measured seconds, plus 10 spare: all created before the schedule
    assertThat(ops.getJsonObject("payment-prepare").getLong("ok")).isEqualTo(8L * 4 + 10);
    // the measured 3 s inject 24, each settled once and seen by both terminals
    assertThat(ops.getJsonObject("payment-inject").getLong("ok")).isEqualTo(24L);
    assertThat(ops.getJsonObject("settlement").getLong("ok")).isEqualTo(24L);
    assertThat(ops.getJsonObject("settlement-fanout").getLong("ok")).isEqualTo(48L);
    assertThat(ops.getJsonObject("terminal-events").getLong("errors")).isZero();
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--prepare-first"}))
        .hasMessageContaining("--prepare-first");
  }

  @Test
  void cardTapsPayOverPosSocketsAndTerminalsSeeTheInvoicesSettle() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    // --methods none: the cards are funded over BTC-LN first, then the taps pay invoices without methods
    JsonObject summary = runGenerator(out, "--smoke", "--rate", "0", "--terminals", "2", "--payments", "6",
        "--payment-kind", "card", "--methods", "none");
    JsonObject ops = summary.getJsonObject("operations");
    JsonObject taps = ops.getJsonObject("card-tap");
    // 6/s over the 3 measured seconds, every one settled (a declined tap would be an error)
    assertThat(taps.getLong("ok")).isEqualTo(18L);
    assertThat(taps.getLong("errors")).isZero();
    assertThat(taps.getLong("samples")).isEqualTo(18L);
    assertThat(taps.getInteger("cards")).isEqualTo(12); // each card taps every 2 s at most
    assertThat(taps.getInteger("readers")).isEqualTo(1);
    assertThat(ops.getJsonObject("card-tap-sent").getLong("samples")).isEqualTo(18L);
    assertThat(ops.getJsonObject("payment-prepare").getLong("ok")).isEqualTo(18L);
    assertThat(ops.getJsonObject("settlement").getLong("ok")).isEqualTo(18L);
    assertThat(ops.getJsonObject("settlement-fanout").getLong("ok")).isEqualTo(2 * 18L);
    assertThat(ops.getJsonObject("terminal-events").getLong("errors")).isZero();
    assertThat(Files.readString(out.resolve("card-tap.hgrm"))).contains("Percentile");
  }

  @Test
  void methodsNoneLeavesTheNewStoreWithoutPaymentMethods() throws Exception {
    Path out = Files.createTempDirectory("smoke-load");
    JsonObject summary = runGenerator(out, "--smoke", "--rate", "10", "--methods", "none");
    assertThat(summary.getJsonObject("operations").getJsonObject("invoice-create").getLong("ok")).isEqualTo(30L);
    String store = "/api/v1/stores/" + summary.getString("store");
    GatewayApi api = new GatewayApi(vertx, "http://localhost:" + gw.httpPort(), KEY, 1);
    try {
      JsonArray methods = await(api.getArray(store + "/payment-methods"));
      assertThat(methods).isNotEmpty(); // what the gateway gave the store is still there, switched off
      methods.forEach(m -> assertThat(((JsonObject) m).getBoolean("enabled")).as(m.toString()).isFalse());
      String invoice = await(api.getArray(store + "/invoices?take=1")).getJsonObject(0).getString("id");
      assertThat(await(api.getArray(store + "/invoices/" + invoice + "/payment-methods"))).isEmpty();
    } finally {
      await(api.close());
    }
  }

  @Test
  void lightningPaymentsCanGoThroughADevnetLndInItsOwnProcess() throws Exception {
    // as the load runs do it: the node apart, the gateway connected to it as to a real LND
    try (DevnetLnd lnd = DevnetLnd.start(Files.createTempDirectory("smoke-lnd"), Bolt11Network.REGTEST, 0, 0)) {
      Gateway beside = Gateway.start(Vertx.vertx(), true, GatewayConfig.from(Map.of("httpPort", "0",
              "dataDir", Files.createTempDirectory("smoke-gateway-beside").toString(), "bootstrapApiKey", KEY,
              "httpInstances", "1", "lndGrpcUrl", lnd.node().grpcUrl(),
              "lndMacaroonPath", lnd.node().macaroonPath().toString(),
              "lndTlsCertPath", lnd.node().certPath().toString())), Clock.systemUTC(), null)
          .toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
      try {
        Path out = Files.createTempDirectory("smoke-load");
        JsonObject summary = runGeneratorAt("http://localhost:" + beside.httpPort(), out, "--smoke", "--rate", "0",
            "--terminals", "1", "--payments", "8", "--payment-kind", "ln", "--prepare-first",
            "--lightning-payer", lnd.payerUrl());
        assertThat(summary.getString("lightningPayer")).isEqualTo(lnd.payerUrl());
        JsonObject ops = summary.getJsonObject("operations");
        assertThat(ops.getJsonObject("payment-inject").getLong("ok")).isEqualTo(24L);
        assertThat(ops.getJsonObject("settlement").getLong("ok")).isEqualTo(24L);
        // every invoice's BOLT11 came from the node apart, and it settled the 8 x 4 s the schedule paid
        assertThat(lnd.node().invoiceCount()).isEqualTo(8 * 4 + 10);
        assertThat(lnd.node().settledCount()).isEqualTo(8 * 4);
      } finally {
        beside.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      }
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
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
    for (String option : new String[] {"--url", "--key", "--store", "--rate", "--terminals", "--connect-rate",
        "--payments", "--payment-kind", "--duration", "--warmup", "--drain", "--connections", "--out", "--smoke",
        "--ceiling", "--database", "--methods", "--warmup-rate", "--stores", "--help"}) {
      assertThat(LoadOptions.USAGE).contains(option);
    }
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--payments", "5"}))
        .hasMessageContaining("--terminals");
    // paying over Lightning or on-chain needs the methods that none switches off; card taps do not
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--methods", "none", "--payments", "5",
        "--terminals", "1", "--payment-kind", "ln"})).hasMessageContaining("--methods none");
    assertThat(LoadOptions.parse(new String[] {"--key", "k", "--methods", "none", "--payments", "5",
        "--payment-kind", "card"}).noMethods()).isTrue();
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--methods", "none", "--store", "s"}))
        .hasMessageContaining("--store");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--methods", "some"}))
        .hasMessageContaining("none or default");
    assertThat(LoadOptions.parse(new String[] {"--key", "k", "--warmup-rate", "0.25"}).warmupRate()).isEqualTo(0.25);
    assertThat(LoadOptions.parse(new String[] {"--key", "k"}).warmupRate()).isEqualTo(1.0);
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--warmup-rate", "0"}))
        .hasMessageContaining("--warmup-rate");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--warmup-rate", "1.5"}))
        .hasMessageContaining("--warmup-rate");
    assertThat(LoadOptions.parse(new String[] {"--key", "k"}).stores()).isEqualTo(1);
    assertThat(LoadOptions.parse(new String[] {"--key", "k", "--stores", "1000"}).stores()).isEqualTo(1000);
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--stores", "0"}))
        .hasMessageContaining("--stores");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--stores", "2", "--store", "s"}))
        .hasMessageContaining("--store");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--key", "k", "--stores", "2", "--payments", "5",
        "--payment-kind", "card"})).hasMessageContaining("card");
    // card taps need no terminal: their result frame is the measurement
    assertThat(LoadOptions.parse(new String[] {"--key", "k", "--payments", "5", "--payment-kind", "card"}).payments())
        .isEqualTo(5);
  }
}
