package me.flashapp.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import me.flashapp.gateway.db.DatabaseBusyException;
import me.flashapp.gateway.invoice.PaymentMethodsUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: {@code {"code","message"}} with a stable code, or the
 * 422 list {@code [{"path","message"}]}. A 5xx is logged once with its context, never a secret.
 */
public final class ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  private ErrorHandler() {}

  public static void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof ValidationException v) {
      JsonArray list = new JsonArray();
      v.errors().forEach(e -> list.add(new JsonObject().put("path", e.path()).put("message", e.message())));
      send(ctx, 422, list.encode());
    } else if (failure instanceof ApiException a) {
      send(ctx, a.status(), error(a.code(), a.getMessage()));
    } else if (failure instanceof PaymentMethodsUnavailableException u) {
      send(ctx, 503, error("payment-method-unavailable", u.getMessage()));
    } else if (failure instanceof DatabaseBusyException b) {
      ctx.response().putHeader("Retry-After", "1");
      send(ctx, 503, error("database-busy", b.getMessage()));
    } else if (failure == null || failure instanceof io.vertx.ext.web.handler.HttpException) {
      int status = failure == null ? ctx.statusCode()
          : ((io.vertx.ext.web.handler.HttpException) failure).getStatusCode();
      switch (status) {
        case 400 -> send(ctx, 400, error("bad-request", "The request is malformed"));
        case 401 -> send(ctx, 401, error("unauthenticated", "Authentication is required"));
        case 403 -> send(ctx, 403, error("forbidden", "Forbidden"));
        case 404 -> send(ctx, 404, error("not-found", "No such resource"));
        case 405 -> send(ctx, 405, error("method-not-allowed", "Method not allowed"));
        case 413 -> send(ctx, 413, error("payload-too-large", "The request body exceeds 1 MiB"));
        case 415 -> send(ctx, 415, error("unsupported-media-type", "Send application/json"));
        default -> internal(ctx, status < 500 ? 500 : status, failure);
      }
    } else {
      internal(ctx, 500, failure);
    }
  }

  private static void internal(RoutingContext ctx, int status, Throwable failure) {
    LOG.error("{} {} failed with {}", ctx.request().method(), RequestLog.redactedPath(ctx.request().path()), status,
        failure);
    send(ctx, status, error("internal-error", "An internal error occurred; it has been logged"));
  }

  static String error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message).encode();
  }

  private static void send(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }
}
