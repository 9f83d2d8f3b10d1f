package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance; the gateway deploys one per core and Vert.x spreads connections over
 * them. Stopping it stops accepting and lets in-flight requests finish within the grace period.
 */
public final class HttpVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final long graceMillis;
  private final ApiRouter.Handlers handlers;
  private HttpServer server;

  public HttpVerticle(String host, int port, long graceMillis, ApiRouter.Handlers handlers) {
    this.host = host;
    this.port = port;
    this.graceMillis = graceMillis;
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setIdleTimeout(120)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxWebSocketFrameSize(64 * 1024)
        .setMaxWebSocketMessageSize(64 * 1024));
    return server.requestHandler(ApiRouter.create(vertx, handlers)).listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(graceMillis, TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
