package me.flashapp.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.SpeedPolicy;
import me.flashapp.gateway.money.Currencies;
import me.flashapp.gateway.store.Store;
import me.flashapp.gateway.store.StoreCache;
import me.flashapp.gateway.store.StoreRepository;

/** {@code /api/v1/stores}: create, list, read, update, delete (retire). */
public final class StoresHandler {
  static final int MAX_EXPIRATION = 30 * 24 * 3600;

  private final Pool pool;
  private final Idempotency idempotency;
  private final Clock clock;
  private final StoreHooks hooks;
  private final StoreCache cache;

  /** Lets payment-method packages prepare a new store (e.g. a devnet wallet in dev mode). */
  public interface StoreHooks {
    Future<Void> storeCreated(io.vertx.sqlclient.SqlConnection tx, Store store);
  }

  public StoresHandler(Pool pool, Idempotency idempotency, Clock clock, StoreHooks hooks, StoreCache cache) {
    this.pool = pool;
    this.cache = cache;
    this.idempotency = idempotency;
    this.clock = clock;
    this.hooks = hooks;
  }

  public void create(RoutingContext ctx) {
    ApiKey key = Auth.key(ctx);
    if (!key.canEverywhere(Policies.STORE_MODIFY_SETTINGS)) {
      throw ApiException.forbidden(Policies.STORE_MODIFY_SETTINGS);
    }
    Store store = read(new Fields(JsonBody.object(ctx)), null);
    idempotency.run(ctx, tx -> StoreRepository.insert(tx, store)
            .compose(v -> hooks.storeCreated(tx, store))
            .map(v -> Reply.ok(json(store))))
        .onSuccess(r -> r.send(ctx)).onFailure(ctx::fail);
  }

  public void list(RoutingContext ctx) {
    ApiKey key = Auth.key(ctx);
    Future<List<Store>> stores = key.canEverywhere(Policies.STORE_VIEW_SETTINGS) ? StoreRepository.listAll(pool)
        : StoreRepository.list(pool, key.scopedStores(Policies.STORE_VIEW_SETTINGS));
    stores.onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(s -> out.add(json(s)));
      Reply.ok(out).send(ctx);
    }).onFailure(ctx::fail);
  }

  public void get(RoutingContext ctx) {
    String id = storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, id);
    StoreRepository.find(pool, id).onSuccess(store -> {
      if (store == null) {
        ctx.fail(ApiException.storeNotFound());
      } else {
        Reply.ok(json(store)).send(ctx);
      }
    }).onFailure(ctx::fail);
  }

  public void update(RoutingContext ctx) {
    String id = storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, id);
    ObjectNode body = JsonBody.object(ctx);
    Transactions.run(pool, tx -> StoreRepository.find(tx, id).compose(current -> {
      if (current == null) {
        throw ApiException.storeNotFound();
      }
      Store updated = read(new Fields(body), current);
      return StoreRepository.update(tx, updated).map(v -> updated);
    })).onComplete(ar -> cache.invalidate(id)).onSuccess(s -> Reply.ok(json(s)).send(ctx)).onFailure(ctx::fail);
  }

  public void delete(RoutingContext ctx) {
    String id = storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, id);
    StoreRepository.delete(pool, id, clock.instant()).onComplete(ar -> cache.invalidate(id)).onSuccess(deleted -> {
      if (!deleted) {
        ctx.fail(ApiException.storeNotFound());
      } else {
        ctx.response().setStatusCode(200).end();
      }
    }).onFailure(ctx::fail);
  }

  /** The live store with this id, or a failed future with 404 {@code store-not-found}. */
  public static Future<Store> requireLive(io.vertx.sqlclient.SqlClient db, String storeId) {
    return StoreRepository.find(db, storeId).map(s -> {
      if (s == null) {
        throw ApiException.storeNotFound();
      }
      return s;
    });
  }

  /** The {@code storeId} path parameter; malformed ids are simply not found. */
  static String storeId(RoutingContext ctx) {
    String id = ctx.pathParam("storeId");
    if (!Ids.looksLikeId(id)) {
      throw ApiException.storeNotFound();
    }
    return id;
  }

  /**
   * Reads store settings from a body. With {@code current} (PUT), absent fields keep their value;
   * without (POST), absent fields take the Greenfield defaults.
   */
  private Store read(Fields f, Store current) {
    String name = f.string("name", current == null, 100);
    if (current != null && name != null && name.isBlank()) {
      f.error("name", "must not be empty"); // PUT: absent keeps the name, blank would erase it
    }
    String website = f.string("website", false, 500);
    String currencyText = f.string("defaultCurrency", false, 10);
    String currency = currencyText == null ? null : Currencies.normalize(currencyText).orElse(null);
    if (currencyText != null && currency == null) {
      f.error("defaultCurrency", "unknown currency");
    }
    Long expiration = f.integer("invoiceExpiration", 60, MAX_EXPIRATION);
    Long monitoring = f.integer("monitoringExpiration", 60, MAX_EXPIRATION);
    SpeedPolicy speed = f.enumValue("speedPolicy", SpeedPolicy.class);
    BigDecimal tolerance = f.decimal("paymentTolerance");
    if (tolerance != null && (tolerance.signum() < 0 || tolerance.compareTo(BigDecimal.valueOf(100)) > 0
        || tolerance.stripTrailingZeros().scale() > 2)) {
      f.error("paymentTolerance", "must be a percentage between 0 and 100 with at most 2 decimals");
    }
    if (website != null && !website.matches("https?://\\S+")) {
      f.error("website", "must be an http(s) URL");
    }
    f.validate();
    if (current == null) {
      return new Store(Ids.random(32), name.trim(), website, currency == null ? "USD" : currency,
          expiration == null ? Store.DEFAULT_INVOICE_EXPIRATION : expiration.intValue(),
          monitoring == null ? Store.DEFAULT_MONITORING_EXPIRATION : monitoring.intValue(),
          speed == null ? SpeedPolicy.MediumSpeed : speed,
          tolerance == null ? BigDecimal.ZERO : tolerance, clock.instant());
    }
    return new Store(current.id(), name == null ? current.name() : name.trim(),
        f.has("website") ? website : current.website(),
        currency == null ? current.defaultCurrency() : currency,
        expiration == null ? current.invoiceExpiration() : expiration.intValue(),
        monitoring == null ? current.monitoringExpiration() : monitoring.intValue(),
        speed == null ? current.speedPolicy() : speed,
        tolerance == null ? current.paymentTolerance() : tolerance, current.createdAt());
  }

  static JsonObject json(Store s) {
    return new JsonObject()
        .put("id", s.id())
        .put("name", s.name())
        .put("website", s.website())
        .put("defaultCurrency", s.defaultCurrency())
        .put("invoiceExpiration", s.invoiceExpiration())
        .put("monitoringExpiration", s.monitoringExpiration())
        .put("speedPolicy", s.speedPolicy().name())
        .put("paymentTolerance", new BigDecimal(s.paymentTolerance().stripTrailingZeros().toPlainString())) // 10, not 1E+1
        .put("createdTime", s.createdAt().getEpochSecond());
  }
}
