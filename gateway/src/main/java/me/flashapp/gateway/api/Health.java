package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: public; each dependency reports {@code {"status":"up"|"down",...}}.
 * 200 when every dependency is up, 503 otherwise (so a load balancer can act on it).
 */
public final class Health {
  private final Map<String, Supplier<Future<JsonObject>>> checks = new ConcurrentHashMap<>();

  /** Adds a dependency's check; it should complete quickly and never fail (report down instead). */
  public void register(String name, Supplier<Future<JsonObject>> check) {
    checks.put(name, check);
  }

  public void handle(RoutingContext ctx) {
    JsonObject deps = new JsonObject();
    Future<?> all = Future.succeededFuture();
    for (Map.Entry<String, Supplier<Future<JsonObject>>> e : checks.entrySet()) {
      Future<JsonObject> f = e.getValue().get()
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
}
