package me.flashapp.gateway.db;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A small read-through cache of database lookups by key with a time to live, for rows read on
 * every request but changed rarely (stores, their payment methods).
 *
 * <p>Consistency: the code that changes a row on this node calls {@link #invalidate} after the
 * change committed, so this node sees its own changes at once. Other nodes sharing the database
 * see them within {@code ttlMillis}. A load in flight during an invalidation is not put back
 * (the entry it belongs to is gone from the map). Failed loads and null results are not kept.
 */
public final class TtlCache<V> {
  private record Entry<V>(Future<V> value, long expiresAtNanos) {}

  private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;

  public TtlCache(long ttlMillis, int maxEntries) {
    this.ttlNanos = ttlMillis * 1_000_000L;
    this.maxEntries = maxEntries;
  }

  public Future<V> get(String key, Supplier<Future<V>> loader) {
    long now = System.nanoTime();
    Entry<V> e = entries.get(key);
    if (e != null && now - e.expiresAtNanos < 0) {
      return e.value;
    }
    if (entries.size() >= maxEntries) {
      entries.clear(); // crude but bounded; a refill costs one query per key
    }
    Future<V> loading = loader.get();
    Entry<V> mine = new Entry<>(loading, now + ttlNanos);
    entries.put(key, mine);
    loading.onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        entries.remove(key, mine);
      }
    });
    return loading;
  }

  public void invalidate(String key) {
    entries.remove(key);
  }
}
