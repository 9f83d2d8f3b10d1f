package me.flashapp.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/api-keys}: create (a key may only grant what it holds), current, revoke. */
public final class ApiKeysHandler {
  private final Pool pool;
  private final Auth auth;
  private final Clock clock;

  public ApiKeysHandler(Pool pool, Auth auth, Clock clock) {
    this.pool = pool;
    this.auth = auth;
    this.clock = clock;
  }

  public void create(RoutingContext ctx) {
    ApiKey caller = Auth.key(ctx);
    Fields f = new Fields(JsonBody.object(ctx));
    String label = f.string("label", false, 200);
    List<String> requested = f.strings("permissions", 100);
    List<Permission> permissions = new ArrayList<>();
    if (requested != null) {
      for (int i = 0; i < requested.size(); i++) {
        Permission p = Permission.parse(requested.get(i));
        if (p == null) {
          f.error("permissions[" + i + "]", "unknown permission '" + requested.get(i) + "'");
        } else {
          permissions.add(p);
        }
      }
    }
    f.validate();
    for (Permission wanted : permissions) {
      if (caller.permissions().stream().noneMatch(held -> held.covers(wanted))) {
        throw new ApiException(403, "missing-permission", "A key cannot grant " + wanted + ", which it does not hold");
      }
    }
    String key = ApiKeyRepository.newKey();
    String finalLabel = label == null ? "" : label;
    // No Idempotency-Key replay here: replaying would mean storing the new key in clear text.
    ApiKeyRepository.insert(pool, key, finalLabel, permissions, clock.instant())
        .map(v -> Reply.ok(json(key, finalLabel, permissions.stream().map(Permission::toString).toList())))
        .onSuccess(r -> r.send(ctx)).onFailure(ctx::fail);
  }

  public void current(RoutingContext ctx) {
    ApiKey key = Auth.key(ctx);
    Reply.ok(json(Auth.rawToken(ctx), key.label(), key.permissionStrings())).send(ctx);
  }

  /** Revokes the calling key. */
  public void revokeCurrent(RoutingContext ctx) {
    revoke(ctx, Auth.key(ctx).keyHash());
  }

  /** Revokes a key by value: the key itself, or any key with an unrestricted caller. */
  public void revoke(RoutingContext ctx) {
    ApiKey caller = Auth.key(ctx);
    String target = ctx.pathParam("apikey");
    byte[] hash = ApiKeyRepository.hash(target);
    if (!java.util.Arrays.equals(hash, caller.keyHash()) && !caller.canEverywhere(Policies.UNRESTRICTED)) {
      throw ApiException.forbidden(Policies.UNRESTRICTED);
    }
    revoke(ctx, hash);
  }

  private void revoke(RoutingContext ctx, byte[] hash) {
    ApiKeyRepository.delete(pool, hash).onSuccess(deleted -> {
      auth.evict(hash);
      if (!deleted) {
        ctx.fail(ApiException.notFound("apikey-not-found", "The API key was not found"));
      } else {
        ctx.response().setStatusCode(200).end();
      }
    }).onFailure(ctx::fail);
  }

  private static JsonObject json(String key, String label, List<String> permissions) {
    return new JsonObject().put("apiKey", key).put("label", label).put("permissions", new JsonArray(permissions));
  }
}
