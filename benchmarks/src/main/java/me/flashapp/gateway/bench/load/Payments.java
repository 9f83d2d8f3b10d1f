package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Payments injected through the devnet simulators at a constant rate. Each payment has an intended
 * injection time; {@link #LEAD_NANOS} before it the generator prepares an invoice to pay (create
 * it, read its payment methods: operation {@code payment-prepare}), then at the injection time it
 * pays through {@code POST /api/v1/dev/lightning/pay} (its BOLT11, on the gateway or on
 * {@code --lightning-payer}) or {@code POST /api/v1/dev/chain/send}
 * (its address, the amount due): operation {@code payment-inject}, latency from the intended
 * injection time to the answer. If preparing takes longer than the lead, the payment goes out late
 * but its latencies still start at the intended time. On-chain, a block is mined every second
 * (operation {@code chain-mine}) so confirmations keep coming as they would on a real chain.
 */
final class Payments {
  /** Preparation starts this long before the injection, so invoice creation is not in the settlement latency. */
  static final long LEAD_NANOS = 500_000_000L;
  static final String AMOUNT_SATS = "5000";

  /** What to inject. */
  enum Kind {
    LN, CHAIN, MIXED, CARD;

    static Kind parse(String s) {
      return switch (s) {
        case "ln" -> LN;
        case "chain" -> CHAIN;
        case "mixed" -> MIXED;
        case "card" -> CARD;
        default -> throw new IllegalArgumentException("--payment-kind must be ln, chain, mixed or card (got " + s + ")");
      };
    }

    boolean usesChain() {
      return this == CHAIN || this == MIXED;
    }
  }

  final OpStats prepare = new OpStats("payment-prepare", true);
  final OpStats inject = new OpStats("payment-inject", true);
  final OpStats mine = new OpStats("chain-mine", true);
  private final GatewayApi api;
  private final Settlements settlements;
  private final Kind kind;
  private final List<String> storeIds;
  private final ArrayDeque<Prepared> ready = new ArrayDeque<>();
  private boolean preparedFirst;
  private final AtomicLong launched = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private long sequence;

  /** Payments go to {@code storeIds} in turn. */
  Payments(GatewayApi api, Settlements settlements, Kind kind, List<String> storeIds) {
    this.api = api;
    this.settlements = settlements;
    this.kind = kind;
    this.storeIds = storeIds;
  }

  /** An invoice ready to pay: its id and the payment method to pay it with. */
  private record Prepared(String invoiceId, JsonObject method, boolean chain) {}

  /**
   * {@code --prepare-first}: creates {@code count} invoices before any payment, {@code concurrency}
   * at a time (closed loop: {@code payment-prepare} is then each creation's own latency, not
   * corrected for coordinated omission), so that the schedule injects payments only and the
   * measured window holds nothing but them and their settlement.
   */
  Future<Void> prepareAll(Vertx vertx, long count, int concurrency) {
    preparedFirst = true;
    AtomicLong next = new AtomicLong();
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      prepareNext(vertx, next, count, done);
      workers.add(done.future());
    }
    return Future.all(workers).mapEmpty();
  }

  /**
   * One worker: the next invoice, then the one after, each step a new task (no chain of futures and
   * no recursion, even if a request fails at once: tens of thousands in a row).
   */
  private void prepareNext(Vertx vertx, AtomicLong next, long count, Promise<Void> done) {
    long n = next.getAndIncrement();
    if (n >= count) {
      done.complete();
      return;
    }
    boolean chain = isChain(n);
    long started = System.nanoTime();
    prepare(storeIds.get((int) (n % storeIds.size())), chain).onComplete(ar -> {
      if (ar.succeeded()) {
        prepare.success(started);
        synchronized (ready) {
          ready.add(new Prepared(ar.result()[0].getString("id"), ar.result()[1], chain));
        }
      } else {
        prepare.error(GatewayApi.describe(ar.cause()));
      }
      vertx.runOnContext(v -> prepareNext(vertx, next, count, done));
    });
  }

  private boolean isChain(long n) {
    return kind == Kind.CHAIN || (kind == Kind.MIXED && (n & 1) == 1);
  }

  /** Injections intended in [from + lead, until); those intended at or after {@code measureFrom} count. */
  Future<Void> start(Vertx vertx, double rate, double warmupRate, long from, long measureFrom, long until) {
    Future<Void> mining = kind.usesChain()
        ? OpenLoop.run(vertx, 1.0, from, until, intended -> mineOne(intended, intended >= measureFrom))
        : Future.succeededFuture();
    if (preparedFirst) {
      return Future.join(mining, OpenLoop.run(vertx, rate * warmupRate, rate, from, measureFrom, until,
          intended -> injectPrepared(intended, intended >= measureFrom))).mapEmpty();
    }
    Future<Void> paying = OpenLoop.run(vertx, rate * warmupRate, rate, from, measureFrom - LEAD_NANOS,
        until - LEAD_NANOS, fire -> {
      long injectAt = fire + LEAD_NANOS;
      long n = sequence++; // the schedule fires on one timer's context
      boolean chain = isChain(n);
      String storeId = storeIds.get((int) (n % storeIds.size()));
      boolean measured = injectAt >= measureFrom;
      if (measured) {
        launched.incrementAndGet();
      }
      prepareAndInject(vertx, storeId, fire, injectAt, chain, measured).onComplete(ar -> {
        if (measured) {
          finished.incrementAndGet();
        }
      });
    });
    return Future.join(mining, paying).mapEmpty();
  }

  /** Pays the next prepared invoice, intended at {@code intended}. */
  private void injectPrepared(long intended, boolean measured) {
    Prepared p;
    synchronized (ready) {
      p = ready.poll();
    }
    if (p == null) {
      inject.in(measured).error("no prepared invoice left (prepare-first made too few)");
      return;
    }
    if (measured) {
      launched.incrementAndGet();
    }
    inject(p.invoiceId(), p.method(), intended, p.chain(), measured).onComplete(ar -> {
      if (measured) {
        finished.incrementAndGet();
      }
    });
  }

  /** Creates an invoice of {@link #AMOUNT_SATS} and reads its payment methods: {invoice, method}. */
  private Future<JsonObject[]> prepare(String storeId, boolean chain) {
    String methodId = chain ? "BTC-CHAIN" : "BTC-LN";
    String invoices = "/api/v1/stores/" + storeId + "/invoices";
    return api.post(invoices, new JsonObject().put("amount", AMOUNT_SATS).put("currency", "SATS"))
        .compose(inv -> api.getArray(invoices + "/" + inv.getString("id") + "/payment-methods")
            .map(methods -> new JsonObject[] {inv, method(methods, methodId)}));
  }

  private Future<Void> prepareAndInject(Vertx vertx, String storeId, long fire, long injectAt, boolean chain,
                                        boolean measured) {
    return prepare(storeId, chain).transform(ar -> {
      if (ar.failed()) {
        prepare.in(measured).error(GatewayApi.describe(ar.cause()));
        return Future.succeededFuture();
      }
      prepare.in(measured).success(fire);
      String invoiceId = ar.result()[0].getString("id");
      JsonObject method = ar.result()[1];
      long delayMillis = (injectAt - System.nanoTime()) / 1_000_000;
      if (delayMillis < 1) {
        return inject(invoiceId, method, injectAt, chain, measured);
      }
      return vertx.timer(delayMillis).compose(v -> inject(invoiceId, method, injectAt, chain, measured));
    });
  }

  private Future<Void> inject(String invoiceId, JsonObject method, long injectAt, boolean chain, boolean measured) {
    settlements.expect(invoiceId, injectAt, chain, measured);
    Future<JsonObject> paid = chain
        ? api.post("/api/v1/dev/chain/send", new JsonObject().put("address", method.getString("destination"))
            .put("amount", method.getString("due")))
        : api.payLightning(method.getString("destination"));
    return paid.transform(ar -> {
      if (ar.succeeded()) {
        inject.in(measured).success(injectAt);
      } else {
        settlements.forget(invoiceId);
        inject.in(measured).error(GatewayApi.describe(ar.cause()));
      }
      return Future.succeededFuture();
    });
  }

  private void mineOne(long intended, boolean measured) {
    api.post("/api/v1/dev/chain/mine", new JsonObject().put("blocks", 1)).onComplete(ar -> {
      if (ar.succeeded()) {
        mine.in(measured).success(intended);
      } else {
        mine.in(measured).error(GatewayApi.describe(ar.cause()));
      }
    });
  }

  /** The payment method {@code id} of an invoice's {@code GET .../payment-methods} answer. */
  static JsonObject method(JsonArray methods, String id) {
    for (int i = 0; i < methods.size(); i++) {
      JsonObject m = methods.getJsonObject(i);
      if (id.equals(m.getString("paymentMethodId"))) {
        return m;
      }
    }
    throw new IllegalStateException("the invoice has no " + id + " payment method (is the gateway in dev mode?)");
  }

  /** Measured payments still being prepared or injected. */
  long inFlight() {
    return launched.get() - finished.get();
  }
}
