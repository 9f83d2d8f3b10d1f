package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load: requests are scheduled at a constant rate whatever the server does, and each
 * latency is measured from the request's intended start time (HdrHistogram, coordinated-omission
 * free). Today it drives invoice creation over HTTP; terminals and payment injection plug in as
 * further operations.
 */
public final class LoadGenerator {
  private final LoadOptions o;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http;
  private final URI base;
  private final Histogram histogram = new Histogram(60_000_000L, 3);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean measuring;
  private JsonObject ceilings = new JsonObject();

  LoadGenerator(LoadOptions o) {
    this.o = o;
    this.base = URI.create(o.url());
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost())
            .setDefaultPort(base.getPort() < 0 ? 80 : base.getPort()).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(o.connections()).setMaxWaitQueueSize(-1));
  }

  public static void main(String[] args) throws Exception {
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (o == null) {
      System.out.print(LoadOptions.USAGE);
      return;
    }
    LoadGenerator g = new LoadGenerator(o);
    try {
      int failures = g.run(System.out);
      System.exit(failures == 0 ? 0 : 1);
    } finally {
      g.vertx.close();
    }
  }

  int run(PrintStream out) throws Exception {
    JsonObject ceilings = new JsonObject();
    if (o.ceiling()) {
      int seconds = Math.max(3, Math.min(10, o.durationSeconds()));
      ceilings.put("plainHttpPerSecond", Math.round(Ceiling.plainHttp(vertx, seconds, o.connections())));
      if (o.database() != null) {
        ceilings.put("pgInsertTxPerSecond", Math.round(Ceiling.pgInserts(vertx, o.database(), seconds, 8)));
      }
      out.println("ceilings: " + ceilings.encode());
    }
    this.ceilings = ceilings;
    String store = o.store() != null ? o.store() : await(call(HttpMethod.POST, "/api/v1/stores",
        "{\"name\":\"load-test\"}")).getString("id");
    String path = "/api/v1/stores/" + store + "/invoices";
    Buffer body = Buffer.buffer("{\"amount\":\"12.50\",\"currency\":\"USD\",\"metadata\":{\"orderId\":\"load\"}}");

    long intervalNanos = (long) (1_000_000_000L / o.rate());
    long start = System.nanoTime();
    long warmupEnd = start + o.warmupSeconds() * 1_000_000_000L;
    long end = warmupEnd + o.durationSeconds() * 1_000_000_000L;
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicLong next = new AtomicLong(start);
    // A 1 ms tick sends every request whose intended time has come: the schedule, not the
    // server's responses, decides when requests go out.
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      measuring = now >= warmupEnd;
      while (next.get() <= now && next.get() < end) {
        long intended = next.getAndAdd(intervalNanos);
        boolean record = intended >= warmupEnd;
        sent.incrementAndGet();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Authorization", "token " + o.key()).putHeader("Content-Type", "application/json"))
            .compose(req -> req.send(body))
            .compose(resp -> resp.body().map(b -> resp.statusCode()))
            .onComplete(ar -> {
              long micros = (System.nanoTime() - intended) / 1000;
              if (ar.succeeded() && ar.result() == 200) {
                if (record) {
                  ok.incrementAndGet();
                  synchronized (histogram) {
                    histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                  }
                }
              } else if (record) {
                errors.incrementAndGet();
              }
            });
      }
      if (now >= end) {
        vertx.cancelTimer(id);
        done.complete(null);
      }
    });
    long lastOk = 0;
    while (!done.isDone()) {
      Thread.sleep(1000);
      long cur = ok.get();
      out.printf("%s sent=%d ok/s=%d errors=%d p99(so far)=%.2f ms%n", measuring ? "measuring" : "warmup   ",
          sent.get(), cur - lastOk, errors.get(), p(99) / 1000.0);
      lastOk = cur;
    }
    // let in-flight requests finish (their latency keeps counting from their intended start)
    long drainUntil = System.nanoTime() + 30_000_000_000L;
    while (ok.get() + errors.get() < expectedMeasured() && System.nanoTime() < drainUntil) {
      Thread.sleep(50);
    }
    report(out);
    return (int) Math.min(errors.get(), Integer.MAX_VALUE);
  }

  private long expectedMeasured() {
    return (long) (o.rate() * o.durationSeconds());
  }

  private double p(double percentile) {
    synchronized (histogram) {
      return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }
  }

  private void report(PrintStream out) throws Exception {
    Files.createDirectories(o.out());
    JsonObject summary;
    synchronized (histogram) {
      double throughput = histogram.getTotalCount() / (double) o.durationSeconds();
      summary = new JsonObject()
          .put("operation", "invoice-create")
          .put("targetRate", o.rate())
          .put("durationSeconds", o.durationSeconds())
          .put("throughput", Math.round(throughput * 10) / 10.0)
          .put("ok", ok.get())
          .put("errors", errors.get())
          .put("p50ms", histogram.getValueAtPercentile(50) / 1000.0)
          .put("p90ms", histogram.getValueAtPercentile(90) / 1000.0)
          .put("p99ms", histogram.getValueAtPercentile(99) / 1000.0)
          .put("p999ms", histogram.getValueAtPercentile(99.9) / 1000.0)
          .put("maxMs", histogram.getMaxValue() / 1000.0)
          .put("ceilings", ceilings);
      if (ceilings.containsKey("pgInsertTxPerSecond")) {
        summary.put("ratioToPgInsertCeiling", Math.round(throughput / ceilings.getLong("pgInsertTxPerSecond") * 1000) / 1000.0);
      }
      if (ceilings.containsKey("plainHttpPerSecond")) {
        summary.put("ratioToPlainHttpCeiling", Math.round(throughput / ceilings.getLong("plainHttpPerSecond") * 1000) / 1000.0);
      }
      try (PrintStream hgrm = new PrintStream(Files.newOutputStream(o.out().resolve("invoice-create.hgrm")))) {
        histogram.outputPercentileDistribution(hgrm, 1000.0);
      }
    }
    Files.writeString(o.out().resolve("summary.json"), summary.encodePrettily());
    out.println("invoice-create: " + summary.encode());
  }

  private Future<JsonObject> call(HttpMethod method, String path, String body) {
    return http.request(new RequestOptions().setMethod(method).setURI(path)
            .putHeader("Authorization", "token " + o.key()).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " → " + resp.statusCode() + " " + b);
          }
          return new JsonObject(b);
        }));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
