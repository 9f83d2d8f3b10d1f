package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import me.flashapp.gateway.async.Deadlines;

/**
 * {@code GET /api/v1/health}: public; each dependency reports {@code {"status":"up"|"down",...}}.
 * 200 when every dependency is up, 503 otherwise (so a load balancer can act on it). A check that
 * has not answered within {@link #CHECK_MILLIS} reports down: a wedged dependency (a database whose
 * connections are all held) must not hang the health endpoint too.
 */
public final class Health {
  static final long CHECK_MILLIS = 2_000;

  private final Vertx vertx;
  private final Map<String, Supplier<Future<JsonObject>>> checks = new ConcurrentHashMap<>();

  public Health(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds a dependency's check; it should complete quickly and never fail (report down instead). */
  public void register(String name, Supplier<Future<JsonObject>> check) {
    checks.put(name, check);
  }

  public void handle(RoutingContext ctx) {
    JsonObject deps = new JsonObject();
    Future<?> all = Future.succeededFuture();
    for (Map.Entry<String, Supplier<Future<JsonObject>>> e : checks.entrySet()) {
      Future<JsonObject> f = bounded(e.getValue())
          .recover(err -> Future.succeededFuture(new JsonObject().put("status", "down").put("error", err.getMessage())));
      all = all.compose(v -> f.onSuccess(r -> deps.put(e.getKey(), r)));
    }
    all.onComplete(ar -> {
      boolean up = deps.stream().allMatch(e -> "up".equals(((JsonObject) e.getValue()).getString("status")));
      JsonObject body = new JsonObject().put("status", up ? "ok" : "degraded").put("synchronized", up)
          .put("dependencies", deps);
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    });
  }

  private Future<JsonObject> bounded(Supplier<Future<JsonObject>> check) {
    Future<JsonObject> f;
    try {
      f = check.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return Deadlines.within(vertx, CHECK_MILLIS, f, () -> Future.succeededFuture(new JsonObject()
        .put("status", "down").put("error", "no answer within " + CHECK_MILLIS + " ms")), null);
  }
}
