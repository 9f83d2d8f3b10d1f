package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
  /**
   * The exposition is rendered off the event loop: a gauge's value function, which the registry
   * calls while rendering, runs on a worker thread; the answer is Prometheus' text format.
   */
  @Test
  void rendersTheScrapeOnAWorkerThreadNotTheEventLoop() {
    Vertx vertx = Vertx.vertx();
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
      Gauge.builder("scrape_probe", () -> {
        onEventLoop.add(Context.isOnEventLoopThread());
        return 42;
      }).register(registry);
      Router router = Router.router(vertx);
      router.get("/metrics").handler(new MetricsScrape(registry));
      HttpServer server = TestGateway.await(vertx.createHttpServer().requestHandler(router).listen(0));

      Http.Response r = new Http(server.actualPort()).get("/metrics", null);

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo(MetricsScrape.CONTENT_TYPE);
      assertThat(r.body()).contains("scrape_probe 42.0");
      assertThat(onEventLoop).isNotEmpty().containsOnly(false);
    } finally {
      TestGateway.await(vertx.close());
    }
  }
}
