package me.flashapp.gateway.bench.load;

import java.nio.file.Path;

/** Command-line options of {@link LoadGenerator}; {@code --help} prints {@link #USAGE}. */
record LoadOptions(String url, String key, String store, double rate, int durationSeconds, int warmupSeconds,
                   int connections, Path out, boolean smoke, boolean ceiling, String database) {

  static final String USAGE = """
      Flash Gateway load generator: drives a running gateway open-loop (constant arrival rate) and
      reports latencies corrected for coordinated omission (measured from each request's intended
      start, so a stalled server cannot hide its queueing).

        java -cp benchmarks/target/benchmarks.jar me.flashapp.gateway.bench.load.LoadGenerator [options]

      Options:
        --url URL            gateway base URL                          (default http://localhost:8080)
        --key KEY            API key with btcpay.store.canmodifystoresettings (required)
        --store ID           store to create invoices in (default: a new store "load-test")
        --rate R             invoice creations per second               (default 500)
        --duration S         measured seconds                           (default 30)
        --warmup S           seconds at the same rate before measuring  (default 10)
        --connections N      HTTP connections                           (default 64)
        --out DIR            where to write .hgrm and summary.json      (default ./load-results)
        --smoke              a few seconds at a low rate (CI: keeps the jar and generator from rotting)
        --ceiling            also measure, in the same run, the machine's ceilings: plain Vert.x HTTP and
                             (with --database) raw single-row insert transactions; gateway figures are
                             then reported as ratios of them
        --database URL       postgresql://user:pass@host:port/db the gateway uses (for --ceiling); the
                             embedded one logs "embedded PostgreSQL listening on 127.0.0.1:PORT"
                             (user postgres, no password)
        --help               this text

      Output: a live progress line per second; then throughput, errors and p50/p90/p99/p99.9/max
      per operation; DIR/invoice-create.hgrm (HdrHistogram percentile distribution, microseconds)
      and DIR/summary.json.
      """;

  static LoadOptions parse(String[] args) {
    String url = "http://localhost:8080";
    String key = null;
    String store = null;
    double rate = 500;
    int duration = 30;
    int warmup = 10;
    int connections = 64;
    Path out = Path.of("load-results");
    boolean smoke = false;
    boolean ceiling = false;
    String database = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--url" -> url = args[++i];
        case "--key" -> key = args[++i];
        case "--store" -> store = args[++i];
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--duration" -> duration = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        case "--ceiling" -> ceiling = true;
        case "--database" -> database = args[++i];
        case "--help", "-h" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("--key is required (see --help)");
    }
    if (smoke) {
      rate = Math.min(rate, 50);
      duration = 3;
      warmup = 1;
    }
    if (rate <= 0 || duration <= 0 || warmup < 0 || connections <= 0) {
      throw new IllegalArgumentException("rate, duration and connections must be positive");
    }
    return new LoadOptions(url, key, store, rate, duration, warmup, connections, out, smoke, ceiling, database);
  }
}
