package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operation {@code invoice-create}: {@code POST /api/v1/stores/{id}/invoices} at a constant rate
 * (to each store in turn), latency from each request's intended start to its full response.
 */
final class InvoiceCreation {
  private static final Buffer BODY =
      Buffer.buffer("{\"amount\":\"12.50\",\"currency\":\"USD\",\"metadata\":{\"orderId\":\"load\"}}");

  final OpStats stats = new OpStats("invoice-create", true);
  private final GatewayApi api;
  private final List<String> paths;
  private int next;
  private final AtomicLong launched = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();

  /** Invoices go to {@code storeIds} in turn. */
  InvoiceCreation(GatewayApi api, List<String> storeIds) {
    this.api = api;
    this.paths = storeIds.stream().map(id -> "/api/v1/stores/" + id + "/invoices").toList();
  }

  /**
   * Schedules creations at {@code rate}; only those intended in [measureFrom, until) are counted
   * (the others go to the warmup's figures, {@link OpStats#in}).
   */
  Future<Void> start(Vertx vertx, double rate, double warmupRate, long from, long measureFrom, long until) {
    return OpenLoop.run(vertx, rate * warmupRate, rate, from, measureFrom, until, intended -> {
      boolean measured = intended >= measureFrom;
      if (measured) {
        launched.incrementAndGet();
      }
      String path = paths.get(next);
      next = (next + 1) % paths.size(); // the schedule fires on one timer's context
      api.send(HttpMethod.POST, path, BODY).onComplete(ar -> {
        OpStats into = stats.in(measured);
        if (ar.succeeded()) {
          into.success(intended);
        } else {
          into.error(GatewayApi.describe(ar.cause()));
        }
        if (measured) {
          finished.incrementAndGet();
        }
      });
    });
  }

  /** Measured requests still waiting for their response. */
  long inFlight() {
    return launched.get() - finished.get();
  }
}
