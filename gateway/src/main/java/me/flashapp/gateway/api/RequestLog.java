package me.flashapp.gateway.api;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path without query, status, duration. API keys never appear:
 * they travel in a header, and the one path that carries a key ({@code /api-keys/<key>}) is
 * masked. Query strings are dropped (card taps carry their SUN parameters there).
 */
public final class RequestLog {
  private static final Logger LOG = LoggerFactory.getLogger("http");

  private RequestLog() {}

  public static void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long start = System.nanoTime();
      ctx.addEndHandler(v -> LOG.info("{} {} {} {}us", ctx.request().method(), redactedPath(ctx.request().path()),
          ctx.response().getStatusCode(), (System.nanoTime() - start) / 1000));
    }
    ctx.next();
  }

  static String redactedPath(String path) {
    if (path == null) {
      return "";
    }
    int i = path.indexOf("/api-keys/");
    if (i >= 0) {
      String rest = path.substring(i + "/api-keys/".length());
      if (!rest.equals("current")) {
        return path.substring(0, i) + "/api-keys/***";
      }
    }
    return path;
  }
}
