package me.flashapp.gateway.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the Prometheus text exposition, rendered on a worker thread. Rendering
 * walks every meter and computes the timers' rolling percentiles: 33 KB of text and milliseconds
 * of CPU, which on an event loop would hold up every payment, frame and request queued behind it
 * each time Prometheus (or the load generator, as its measured window opens) scrapes.
 */
final class MetricsScrape implements Handler<RoutingContext> {
  /** Prometheus' text format 0.0.4, as Vert.x's own scraping handler answers. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  MetricsScrape(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.vertx().executeBlocking(registry::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
