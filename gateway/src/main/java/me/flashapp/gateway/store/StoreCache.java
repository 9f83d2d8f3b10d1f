package me.flashapp.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import me.flashapp.gateway.db.TtlCache;

/**
 * Live stores by id for the request path (invoice creation reads the store on every request).
 * {@code StoresHandler} invalidates on PUT and DELETE; other nodes see a change within
 * {@link #TTL_MILLIS} (a renamed store or a new default currency may apply to a few more
 * invoices there; a deleted store's invoices stay invisible to reads, see InvoiceRepository).
 */
public final class StoreCache {
  public static final long TTL_MILLIS = 5_000;
  static final int MAX_ENTRIES = 100_000;

  private final Pool pool;
  private final TtlCache<Store> cache = new TtlCache<>(TTL_MILLIS, MAX_ENTRIES);

  public StoreCache(Pool pool) {
    this.pool = pool;
  }

  /** The live store with this id, or null (misses are not cached: a new store is seen at once). */
  public Future<Store> find(String id) {
    return cache.get(id, () -> StoreRepository.find(pool, id));
  }

  /** Call after a change to the store committed. */
  public void invalidate(String id) {
    cache.invalidate(id);
  }
}
