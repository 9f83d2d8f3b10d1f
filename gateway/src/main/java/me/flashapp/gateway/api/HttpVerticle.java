package me.flashapp.gateway.api;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance; the gateway deploys one per core and Vert.x spreads connections over
 * them. Stopping it stops accepting and lets in-flight requests finish within the grace period.
 *
 * <p>Every connection gets Netty's flush consolidation: Vert.x flushes each WebSocket frame it
 * writes outside a read, so publishing a batch of k events to a terminal cost k {@code write}
 * system calls; with consolidation the flushes of one event-loop task become one, and a batch
 * reaches each terminal in a single call. Nothing is held back: the deferred flush runs as the
 * event loop's next task.
 */
public final class HttpVerticle extends VerticleBase {
  /** Flushes coalesced at most before one is forced through (Netty's default). */
  static final int MAX_COALESCED_FLUSHES = 256;

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
    return server.connectionHandler(conn -> {
      if (conn instanceof ConnectionBase base) { // Vert.x's connection class; its channel is Netty's
        base.channel().pipeline().addFirst("flush-consolidation",
            new FlushConsolidationHandler(MAX_COALESCED_FLUSHES, true));
      }
    }).requestHandler(ApiRouter.create(vertx, handlers)).listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(graceMillis, TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
