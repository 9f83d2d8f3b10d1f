package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The load generator's main class: drives a running gateway open-loop with any mix of
 * operations (invoice creation over HTTP, POS terminals on the WebSocket, payments injected through
 * the devnet simulators), prints a progress line per second and writes the report (see
 * {@link LoadOptions#USAGE}). Every latency runs from the operation's intended start time
 * (HdrHistogram), so it is corrected for coordinated omission.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final long SECOND = 1_000_000_000L;
  /** Invoice creations in flight while --prepare-first prepares. */
  private static final int PREPARE_CONCURRENCY = 16;
  /** How often the warmup reads {@code /metrics} ({@link #scrapeDuringWarmup}): Prometheus' usual 15 s. */
  private static final long WARMUP_SCRAPE_MILLIS = 15_000;
  private final LoadOptions o;
  private final Vertx vertx = Vertx.vertx();
  private final GatewayApi api;

  LoadGenerator(LoadOptions o) {
    this.o = o;
    this.api = new GatewayApi(vertx, o.url(), o.key(), o.connections(), o.lightningPayer());
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
    int failures;
    try (LoadGenerator g = new LoadGenerator(o)) {
      failures = g.run(System.out);
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  /** Runs the whole thing on the calling thread; returns the number of errors (capped at int). */
  int run(PrintStream out) throws Exception {
    JsonObject ceilings = ceilings(out);
    List<String> stores = o.store() != null ? List.of(o.store()) : createStores(o.stores(), out);
    String store = stores.get(0);
    List<OpStats> ops = new ArrayList<>();
    Settlements settlements = new Settlements();
    Terminals terminals = null;
    if (o.terminals() > 0) {
      terminals = new Terminals(vertx, api, o.key(), o.terminals(), settlements);
      out.printf("opening %d terminals at %.0f/s%n", o.terminals(), o.connectRate());
      terminals.connectAll(stores, o.terminals(), o.connectRate(), 30 * SECOND);
      out.printf("%d of %d terminals subscribed (%d stores)%n", terminals.subscribed(), o.terminals(),
          stores.size());
      ops.add(terminals.connect);
      ops.add(terminals.events);
    }
    boolean card = o.paymentKind() == Payments.Kind.CARD;
    InvoiceCreation invoices = o.rate() > 0 ? new InvoiceCreation(api, stores) : null;
    Payments payments = o.payments() > 0 && !card ? new Payments(api, settlements, o.paymentKind(), stores) : null;
    CardPayments taps = o.payments() > 0 && card
        ? CardPayments.setUp(vertx, api, o, store, settlements, terminals != null, out) : null;
    if (o.noMethods()) {
      for (String s : stores) {
        disableMethods(s, out); // after the cards' top-ups, which are paid over BTC-LN
      }
    }
    if (invoices != null) {
      ops.add(0, invoices.stats);
    }
    if (payments != null) {
      ops.addAll(List.of(payments.prepare, payments.inject));
    }
    if (taps != null) {
      ops.addAll(List.of(taps.prepare, taps.taps, taps.sent));
    }
    if ((payments != null || taps != null) && terminals != null) {
      ops.addAll(List.of(settlements.settlement, settlements.fanout));
    }
    if (payments != null && o.paymentKind().usesChain()) {
      ops.add(payments.mine);
    }

    if (payments != null && o.prepareFirst()) {
      long count = (long) Math.ceil(o.payments() * (o.warmupRate() * o.warmupSeconds() + o.durationSeconds())) + 10;
      out.printf("preparing %d invoices first%n", count);
      long began = System.nanoTime();
      await(payments.prepareAll(vertx, count, PREPARE_CONCURRENCY));
      out.printf("%d invoices prepared in %.0f s (%d errors)%n", payments.prepare.ok(),
          (System.nanoTime() - began) / 1e9, payments.prepare.errors());
      // Their figures go to the report; the progress line's per-second counts start from here.
      payments.prepare.sampleInterval();
      payments.prepare.okSinceLastCall();
    }
    long start = System.nanoTime();
    long measureFrom = start + o.warmupSeconds() * SECOND;
    long end = measureFrom + o.durationSeconds() * SECOND;
    List<Future<Void>> schedules = new ArrayList<>();
    if (invoices != null) {
      schedules.add(invoices.start(vertx, o.rate(), o.warmupRate(), start, measureFrom, end));
    }
    if (payments != null) {
      schedules.add(payments.start(vertx, o.payments(), o.warmupRate(), start, measureFrom, end));
    }
    if (taps != null) {
      schedules.add(taps.start(vertx, o.payments(), o.warmupRate(), start, measureFrom, end));
    }
    Terminals t = terminals;
    if (t != null) {
      // Terminal events count only inside the measured window, like every other operation.
      vertx.setTimer(Math.max(1, o.warmupSeconds() * 1000L), id -> t.measuring(true));
    }
    // The gateway's own timers over the same window: /metrics read as it opens and as it closes.
    Promise<String> atWindowStart = Promise.promise();
    long warmupScrapes = scrapeDuringWarmup(o.warmupSeconds());
    vertx.setTimer(Math.max(1, o.warmupSeconds() * 1000L), id -> {
      vertx.cancelTimer(warmupScrapes);
      GatewayTimers.read(api).onComplete(atWindowStart);
    });
    progressUntil(out, ops, start, measureFrom, end, () -> false);
    if (t != null) {
      t.measuring(false);
    }
    Future<GatewayTimers.Expositions> gatewayTimers = GatewayTimers.read(api)
        .compose(after -> atWindowStart.future().map(before -> new GatewayTimers.Expositions(before, after)));
    await(Future.join(schedules));
    long drainEnd = System.nanoTime() + o.drainSeconds() * SECOND;
    Payments p = payments;
    CardPayments c = taps;
    progressUntil(out, ops, start, measureFrom, drainEnd, () ->
        (invoices == null || invoices.inFlight() == 0) && (p == null || p.inFlight() == 0)
            && (c == null || c.inFlight() == 0) && settlements.outstanding() == 0);
    settlements.expireOutstanding();
    unfinished(invoices == null ? 0 : invoices.inFlight(), invoices == null ? null : invoices.stats);
    unfinished(p == null ? 0 : p.inFlight(), p == null ? null : p.inject);
    unfinished(c == null ? 0 : c.abandon(), c == null ? null : c.taps);
    JsonObject extra = new JsonObject();
    if (c != null) {
      extra.put("card-tap", c.describe());
      await(c.close());
    }
    if (t != null) {
      await(t.close());
      extra.put("terminal-events", new JsonObject().put("terminals", o.terminals())
          .put("subscribed", t.connect.ok()).put("receivedTotal", t.received()));
    }
    JsonObject timers;
    try {
      // The read has its own timeout; this bounds the report's wait even if that never fires.
      timers = gatewayTimers.toCompletionStage().toCompletableFuture()
          .get(2 * GatewayTimers.READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).window();
    } catch (ExecutionException | RuntimeException e) { // not read, or not parsed
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      timers = new JsonObject().put("error", "could not read /metrics: " + cause.getMessage());
    } catch (TimeoutException e) {
      timers = new JsonObject().put("error", "no answer from /metrics within " + 2 * GatewayTimers.READ_TIMEOUT_MILLIS
          + " ms");
    }
    JsonObject summary = Report.write(o, stores, ops, ceilings, extra,
        timers.containsKey("error") ? new JsonObject() : timers, out);
    if (timers.containsKey("error")) {
      out.println("inside the gateway: " + timers.getString("error"));
    }
    return (int) Math.min(summary.getLong("errors"), Integer.MAX_VALUE);
  }

  /** {@code --stores}: one new store, or {@code count} of them, created a few at a time. */
  /**
   * Reads {@code /metrics} during the warmup as a Prometheus server would (1 s in, then every
   * {@link #WARMUP_SCRAPE_MILLIS}, none in its last 5 s), texts discarded; returns the timer (-1:
   * a warmup too short for any). Without it the read as the window opens was the gateway's first:
   * its rendering cold, classes loading, which put a spike into the window's first seconds of
   * every run (fourteenth session). A gateway in production is scraped all along.
   */
  private long scrapeDuringWarmup(int warmupSeconds) {
    long lastMillis = warmupSeconds * 1000L - 5_000;
    if (lastMillis < 1_000) {
      return -1;
    }
    long began = System.nanoTime();
    return vertx.setPeriodic(1_000, WARMUP_SCRAPE_MILLIS, id -> {
      if ((System.nanoTime() - began) / 1_000_000 <= lastMillis) {
        GatewayTimers.read(api); // what it says does not matter; a failure shows in the window's own read
      } else {
        vertx.cancelTimer(id);
      }
    });
  }

  private List<String> createStores(int count, PrintStream out) throws Exception {
    List<String> ids = new ArrayList<>(count);
    for (int from = 0; from < count; from += 16) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 16); i++) {
        String name = count == 1 ? "load-test" : "load-test-" + (i + 1);
        batch.add(api.post("/api/v1/stores", new JsonObject().put("name", name)));
      }
      for (JsonObject created : await(Future.all(batch)).<JsonObject>list()) {
        ids.add(created.getString("id"));
      }
    }
    if (count > 1) {
      out.printf("%d stores created%n", count);
    }
    return ids;
  }

  /** {@code --methods none}: disables every payment method the store came with. */
  private void disableMethods(String store, PrintStream out) throws Exception {
    String path = "/api/v1/stores/" + store + "/payment-methods";
    JsonArray methods = await(api.getArray(path));
    List<Future<JsonObject>> disabled = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      JsonObject m = methods.getJsonObject(i);
      // PUT needs the config back: disabling keeps it, so the method could be enabled again as it was.
      disabled.add(api.put(path + "/" + m.getString("paymentMethodId"),
          new JsonObject().put("enabled", false).put("config", m.getJsonObject("config"))));
    }
    await(Future.all(disabled));
    out.printf("store %s: %d payment methods disabled%n", store, methods.size());
  }

  private JsonObject ceilings(PrintStream out) throws Exception {
    JsonObject ceilings = new JsonObject();
    if (o.ceiling()) {
      int seconds = Math.max(3, Math.min(10, o.durationSeconds()));
      ceilings.put("plainHttpPerSecond", Math.round(Ceiling.plainHttp(vertx, seconds, o.connections())));
      if (o.database() != null) {
        ceilings.put("pgInsertTxPerSecond", Math.round(Ceiling.pgInserts(vertx, o.database(), seconds, 8)));
      }
      out.println("ceilings: " + ceilings.encode());
    }
    return ceilings;
  }

  /** Prints one line per second until {@code untilNanos} or until {@code done} says so. */
  private static void progressUntil(PrintStream out, List<OpStats> ops, long start, long measureFrom, long untilNanos,
      java.util.function.BooleanSupplier done) throws InterruptedException {
    long next = System.nanoTime() + SECOND;
    while (System.nanoTime() < untilNanos && !done.getAsBoolean()) {
      long now = System.nanoTime();
      if (now < next) {
        // wake at least every 50 ms so the drain ends as soon as it can
        TimeUnit.NANOSECONDS.sleep(Math.min(next - now, Math.min(50_000_000L, Math.max(1, untilNanos - now))));
        continue;
      }
      next += SECOND;
      out.println(progressLine(ops, (now - start) / SECOND, now >= measureFrom));
    }
  }

  /** The last second's figures: the warmup's own until the window opens ({@link OpStats#in}). */
  private static String progressLine(List<OpStats> ops, long second, boolean measuring) {
    StringBuilder b = new StringBuilder(String.format("%4ds %-9s", second, measuring ? "measuring" : "warmup"));
    long errors = 0;
    for (OpStats measured : ops) {
      OpStats op = measured.in(measuring);
      Histogram h = op.sampleInterval();
      b.append(" | ").append(op.name).append(' ').append(op.okSinceLastCall()).append("/s");
      if (op.hasLatency && h.getTotalCount() > 0) {
        b.append(String.format(" p99=%.1fms", h.getValueAtPercentile(99) / 1000.0));
      }
      errors += op.errors();
    }
    return b.append(" | errors=").append(errors).toString();
  }

  private static void unfinished(long count, OpStats stats) {
    for (long i = 0; i < count; i++) {
      stats.error("no answer before the drain ended");
    }
  }

  @Override
  public void close() throws Exception {
    await(api.close().transform(ar -> vertx.close()));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
