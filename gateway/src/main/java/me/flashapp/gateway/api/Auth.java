package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates {@code Authorization: token <key>} and puts the {@link ApiKey} on the context.
 *
 * <p>Known keys are cached for a few seconds so the hot path does not query the key table on
 * every request. A revocation takes effect at once on this node (the entry is dropped) and within
 * {@link #CACHE_NANOS} on others.
 */
public final class Auth {
  static final long CACHE_NANOS = 5_000_000_000L;
  private static final String CTX_KEY = "apiKey";

  private record Cached(ApiKey key, long expiresAt) {}

  private final Pool pool;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  public Auth(Pool pool) {
    this.pool = pool;
  }

  /** Route handler: 401 without a valid key, else continues with the key on the context. */
  public void handle(RoutingContext ctx) {
    String token = token(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.fail(ApiException.unauthenticated("Authentication is required: send the header 'Authorization: token <apiKey>'"));
      return;
    }
    resolve(token).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        ctx.fail(ApiException.unauthenticated("The API key is not valid"));
      } else {
        ctx.put(CTX_KEY, ar.result());
        ctx.next();
      }
    });
  }

  /** The key for a raw token, or null if it is unknown. */
  public Future<ApiKey> resolve(String token) {
    byte[] hash = ApiKeyRepository.hash(token);
    String id = HexFormat.of().formatHex(hash);
    Cached c = cache.get(id);
    long now = System.nanoTime();
    if (c != null && now - c.expiresAt < 0) {
      return Future.succeededFuture(c.key);
    }
    return ApiKeyRepository.find(pool, hash).map(key -> {
      if (key != null) {
        cache.put(id, new Cached(key, now + CACHE_NANOS));
      } else {
        cache.remove(id);
      }
      return key;
    });
  }

  public void evict(byte[] keyHash) {
    cache.remove(HexFormat.of().formatHex(keyHash));
  }

  /** The authenticated key of a request that passed {@link #handle}. */
  public static ApiKey key(RoutingContext ctx) {
    ApiKey key = ctx.get(CTX_KEY);
    if (key == null) {
      throw ApiException.unauthenticated("Authentication is required");
    }
    return key;
  }

  /** The raw token of the request (for {@code /api-keys/current}); never logged. */
  public static String rawToken(RoutingContext ctx) {
    return token(ctx.request().getHeader("Authorization"));
  }

  /** {@code token <key>} (Greenfield); also accepts {@code Bearer <key>}. */
  static String token(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    int sp = h.indexOf(' ');
    if (sp < 0) {
      return null;
    }
    String scheme = h.substring(0, sp);
    String value = h.substring(sp + 1).trim();
    if ((!scheme.equalsIgnoreCase("token") && !scheme.equalsIgnoreCase("bearer")) || value.isEmpty()
        || value.length() > 256) {
      return null;
    }
    return value;
  }
}
