package me.flashapp.gateway.bench.load;

import java.nio.file.Path;

/** Command-line options of {@link LoadGenerator}; {@code --help} prints {@link #USAGE}. */
record LoadOptions(String url, String key, String store, double rate, int terminals, double connectRate,
                   double payments, Payments.Kind paymentKind, int durationSeconds, int warmupSeconds,
                   int drainSeconds, int connections, Path out, boolean smoke, boolean ceiling, String database,
                   boolean noMethods, double warmupRate, int stores, boolean prepareFirst,
                   String lightningPayer) {

  static final String USAGE = """
      Flash Gateway load generator: drives a running gateway open-loop (constant arrival rates,
      whatever the gateway does) and reports latencies corrected for coordinated omission: each is
      measured from the operation's intended start, so a stalled server cannot hide its queueing.

        java -cp benchmarks/target/benchmarks.jar me.flashapp.gateway.bench.load.LoadGenerator [options]

      Operations (any combination; each has its own figures):
        --rate R             invoice creations per second over HTTP; 0 = none  (default 500)
        --terminals N        POS terminals on the stores' WebSockets, each subscribed since 0; every
                             event is counted and a seq gap or duplicate is an error  (default 0)
        --connect-rate C     terminals opened per second before the run starts     (default 500)
        --payments P         payments per second (the gateway must run in dev mode); ln, chain and
                             mixed need --terminals >= 1, which observe settlement  (default 0)
        --payment-kind K     ln: create an invoice, pay its BOLT11 via /api/v1/dev/lightning/pay;
                             chain: send its amount due to its address via /api/v1/dev/chain/send,
                             and mine a block every second; mixed: alternate ln and chain;
                             card: first issue cards and fund each through its top-up (paid via
                             /dev/lightning/pay), then tap: create an invoice, send a cardPayment
                             frame with the next card's p/c on a POS socket (card readers, ceil(P/10)
                             of them, each from its own loopback address; 2P cards, so no card taps
                             more than every 2 s: the gateway's tap rate limits are not hit)
                             (default ln)
        --methods M          payment methods of the store the generator creates: default (what the
                             gateway gives a new store; in dev mode BTC-CHAIN and BTC-LN, so every
                             invoice also allocates an address and asks LND for an invoice) or none
                             (all disabled: invoice-create measures the gateway alone; not with
                             --store, nor with ln/chain/mixed payments, which need them; with card
                             they are disabled once the cards' top-ups are paid, so the invoices
                             taps pay cost no LND call)                      (default default)

      Run:
        --url URL            gateway base URL                          (default http://localhost:8080)
        --key KEY            API key (required). Invoices and terminals need store permissions;
                             --payments needs an unrestricted key (the dev endpoints)
        --store ID           store to drive (default: a new store "load-test")
        --stores S           drive S new stores ("load-test-1".."load-test-S") as S shops would:
                             terminal i watches store i mod S, invoices and payments go to the
                             stores in turn, so each event reaches only its store's terminals
                             (e.g. --terminals 5000 --stores 1000: five terminals a shop). Not with
                             --store, nor with --payment-kind card (cards and their readers belong
                             to one store)                                       (default 1)
        --prepare-first      ln, chain, mixed: create every invoice the run will pay before the
                             schedule starts (16 at a time), so the warmup and the measured window
                             hold the payments and their settlement only, no invoice creation (the
                             settle path of issue 4 on its own). payment-prepare is then each
                             creation's own latency (closed loop, not open-loop). Without it, each
                             invoice is created 500 ms before its payment, at the same rate
        --duration S         measured seconds                           (default 30)
        --warmup S           seconds of load before measuring             (default 10)
        --warmup-rate F      the warmup runs at F times the rates (0 < F <= 1; default 1): a fresh
                             JVM compiles for a minute or more on a small machine, and an open-loop
                             schedule above what the cold JVMs can take builds a backlog the measured
                             window then inherits; e.g. --warmup 90 --warmup-rate 0.3
        --drain S            after the schedule, seconds to wait for in-flight requests and settlement
                             events; what is still missing then is an error  (default 30)
        --connections N      HTTP connections                           (default 64)
        --lightning-payer URL  where BOLT11s are paid (POST /api/v1/dev/lightning/pay): the
                             gateway's dev endpoint, or a devnet LND in its own process
                             (me.flashapp.gateway.devnet.DevnetLnd, e.g. http://127.0.0.1:10080)
                             that the gateway is connected to with GATEWAY_LND_*, so the gateway's
                             JVM holds the gateway alone                 (default: --url)
        --out DIR            where results are written                  (default ./load-results)
        --smoke              a few seconds at low rates (CI: keeps the jar and the generator from
                             rotting): rate <= 50, payments <= 10, terminals <= 10, 1 s warmup, 3 s
        --ceiling            also measure, in the same run, the machine's ceilings: plain Vert.x HTTP and
                             (with --database) raw single-row insert transactions; gateway figures are
                             then reported as ratios of them
        --database URL       postgresql://user:pass@host:port/db the gateway uses (for --ceiling); the
                             embedded one logs "embedded PostgreSQL listening on 127.0.0.1:PORT"
                             (user postgres, no password)
        --help               this text

      Output: a live progress line per second; then per operation throughput, errors and
      p50/p90/p99/p99.9/max (ms). In DIR: <operation>.hgrm (HdrHistogram percentile distribution,
      values in ms), summary.json, and latency.html (self-contained percentile chart).
      Operations: invoice-create, terminal-connect, terminal-events, payment-prepare, payment-inject,
      card-tap (intended tap time -> cardPaymentResult; declined is an error with its reason),
      card-tap-sent (the same from the actual send: the gateway's share, not corrected for
      coordinated omission),
      settlement (payment injected or card tapped -> first terminal receives InvoiceSettled, or
      InvoiceProcessing on-chain), settlement-fanout (the same, every terminal), chain-mine.
      Then the gateway's own timers (gateway_*_seconds histograms on /metrics, read as the
      measured window opens and closes) over exactly that window: "inside the gateway, measured
      window: <timer> n=.. p50<=.. p99<=.." (bucket upper bounds; gatewayTimers in summary.json).
      Exit status: 0 when no operation had an error, 1 otherwise, 2 for bad options.
      """;

  static LoadOptions parse(String[] args) {
    String url = "http://localhost:8080";
    String key = null;
    String store = null;
    double rate = 500;
    int terminals = 0;
    double connectRate = 500;
    double payments = 0;
    Payments.Kind kind = Payments.Kind.LN;
    int duration = 30;
    int warmup = 10;
    double warmupRate = 1;
    int drain = 30;
    int connections = 64;
    Path out = Path.of("load-results");
    boolean smoke = false;
    boolean ceiling = false;
    String database = null;
    String methods = "default";
    int stores = 1;
    boolean prepareFirst = false;
    String lightningPayer = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (!a.equals("--smoke") && !a.equals("--ceiling") && !a.equals("--prepare-first") && i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value (see --help)");
      }
      try {
        switch (a) {
          case "--url" -> url = args[++i];
          case "--key" -> key = args[++i];
          case "--store" -> store = args[++i];
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--terminals" -> terminals = Integer.parseInt(args[++i]);
          case "--connect-rate" -> connectRate = Double.parseDouble(args[++i]);
          case "--payments" -> payments = Double.parseDouble(args[++i]);
          case "--payment-kind" -> kind = Payments.Kind.parse(args[++i]);
          case "--duration" -> duration = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--warmup-rate" -> warmupRate = Double.parseDouble(args[++i]);
          case "--drain" -> drain = Integer.parseInt(args[++i]);
          case "--connections" -> connections = Integer.parseInt(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          case "--smoke" -> smoke = true;
          case "--ceiling" -> ceiling = true;
          case "--prepare-first" -> prepareFirst = true;
          case "--database" -> database = args[++i];
          case "--methods" -> methods = args[++i];
          case "--stores" -> stores = Integer.parseInt(args[++i]);
          case "--lightning-payer" -> lightningPayer = httpUrl(a, args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " needs a number, got " + args[i]);
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("--key is required (see --help)");
    }
    if (smoke) {
      rate = Math.min(rate, 50);
      payments = Math.min(payments, 10);
      terminals = Math.min(terminals, 10);
      stores = Math.min(stores, 3);
      duration = 3;
      warmup = 1;
    }
    if (rate < 0 || payments < 0 || terminals < 0 || connectRate <= 0 || duration <= 0 || warmup < 0 || drain < 0
        || connections <= 0) {
      throw new IllegalArgumentException("rates, counts and durations must not be negative;"
          + " duration, connections and connect-rate must be positive");
    }
    if (!(warmupRate > 0 && warmupRate <= 1)) {
      throw new IllegalArgumentException("--warmup-rate must be above 0 and at most 1 (got " + warmupRate + ")");
    }
    if (payments > 0 && terminals == 0 && kind != Payments.Kind.CARD) {
      throw new IllegalArgumentException("--payments needs --terminals >= 1: settlement is observed by a terminal");
    }
    if (!methods.equals("none") && !methods.equals("default")) {
      throw new IllegalArgumentException("--methods must be none or default (got " + methods + ")");
    }
    if (stores < 1) {
      throw new IllegalArgumentException("--stores must be at least 1 (got " + stores + ")");
    }
    if (stores > 1 && store != null) {
      throw new IllegalArgumentException("--stores creates its own stores: not with --store");
    }
    if (stores > 1 && kind == Payments.Kind.CARD && payments > 0) {
      throw new IllegalArgumentException("--stores cannot take --payment-kind card: cards and their readers belong"
          + " to one store");
    }
    if (prepareFirst && (payments == 0 || kind == Payments.Kind.CARD)) {
      throw new IllegalArgumentException("--prepare-first applies to ln, chain and mixed payments (--payments P)");
    }
    boolean noMethods = methods.equals("none");
    if (noMethods && payments > 0 && kind != Payments.Kind.CARD) {
      throw new IllegalArgumentException("--methods none cannot take --payments " + kind.name().toLowerCase()
          + ": paying over Lightning or on-chain needs the store's payment methods");
    }
    if (noMethods && store != null) {
      throw new IllegalArgumentException("--methods applies to the store the generator creates, not to --store");
    }
    return new LoadOptions(url, key, store, rate, terminals, connectRate, payments, kind, duration, warmup, drain,
        connections, out, smoke, ceiling, database, noMethods, warmupRate, stores, prepareFirst, lightningPayer);
  }

  private static String httpUrl(String option, String value) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " needs an http://host:port URL, got " + value);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(option + " needs an http://host:port URL, got " + value);
    }
    return value;
  }
}
