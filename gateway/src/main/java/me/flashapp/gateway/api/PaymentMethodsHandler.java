package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoicePaymentMethod;
import me.flashapp.gateway.invoice.InvoicePayments;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.PaymentMethodConfigException;
import me.flashapp.gateway.invoice.PaymentMethodHandler;
import me.flashapp.gateway.invoice.PaymentMethods;
import me.flashapp.gateway.lightning.LightningPaymentHandler;
import me.flashapp.gateway.lightning.LndConnectionString;
import me.flashapp.gateway.store.Store;

/**
 * Store payment methods ({@code /stores/{id}/payment-methods[/{method}]}) and an invoice's
 * payment methods with their payments ({@code /stores/{id}/invoices/{id}/payment-methods}).
 */
public final class PaymentMethodsHandler {
  static final String LOCK_STORE = "SELECT id FROM stores WHERE id = $1 FOR UPDATE";
  private final Pool pool;
  private final PaymentMethods methods;
  private final Clock clock;

  public PaymentMethodsHandler(Pool pool, PaymentMethods methods, Clock clock) {
    this.pool = pool;
    this.methods = methods;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    store(storeId).compose(store -> PaymentMethods.storeMethods(pool, storeId).compose(list -> {
      JsonArray out = new JsonArray();
      Future<Void> chain = Future.succeededFuture();
      for (PaymentMethods.StoreMethod m : list) {
        chain = chain.compose(v -> describe(store, m).map(out::add).mapEmpty());
      }
      return chain.map(out);
    })).onSuccess(out -> Reply.ok(out).send(ctx)).onFailure(ctx::fail);
  }

  public void get(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    String methodId = ctx.pathParam("methodId");
    store(storeId).compose(store -> PaymentMethods.storeMethods(pool, storeId).compose(list -> list.stream()
            .filter(m -> m.paymentMethodId().equals(methodId)).findFirst()
            .map(m -> describe(store, m))
            .orElseGet(() -> Future.failedFuture(ApiException.notFound("paymentmethod-not-found",
                "The store has no payment method " + methodId)))))
        .onSuccess(out -> Reply.ok(out).send(ctx)).onFailure(ctx::fail);
  }

  /** PUT {enabled, config}: validated by the method's handler, then stored. */
  public void put(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    ApiKey key = Auth.key(ctx);
    key.require(Policies.STORE_MODIFY_SETTINGS, storeId);
    String methodId = ctx.pathParam("methodId");
    PaymentMethodHandler handler = methods.handler(methodId);
    if (handler == null) {
      throw ApiException.notFound("paymentmethod-not-found", "Unknown payment method " + methodId);
    }
    Fields f = new Fields(JsonBody.object(ctx));
    Boolean enabled = f.bool("enabled");
    var config = f.object("config");
    f.validate();
    // The config is checked first (it may read files); then the current setting is read and the
    // new one written under the store's row lock, so two PUTs at once cannot undo each other's half.
    store(storeId)
        .compose(store -> (config == null ? Future.<JsonObject>succeededFuture(null)
            : handler.validateConfig(store, new JsonObject(config.toString()))
                .recover(err -> Future.failedFuture(err instanceof PaymentMethodConfigException c
                    ? ValidationException.of(c.path(), c.getMessage()) : err)))
            .compose(normalized -> Transactions.run(pool, tx -> tx.preparedQuery(LOCK_STORE)
            .execute(Tuple.of(storeId))
            .compose(x -> PaymentMethods.storeMethods(tx, storeId))
            .compose(list -> {
              var existing = list.stream().filter(m -> m.paymentMethodId().equals(methodId)).findFirst().orElse(null);
              // As Greenfield: what the body leaves out stays as it is (so a method is switched off
              // with {"enabled":false} alone); a new method needs its config and starts enabled.
              if (normalized == null && existing == null) {
                throw ValidationException.of("config", "is required: the store has no " + methodId + " yet");
              }
              boolean on = enabled != null ? enabled : existing == null || existing.enabled();
              JsonObject saved = normalized != null ? normalized : existing.config();
              boolean turnedOn = on && (existing == null || !existing.enabled());
              if (normalized != null || turnedOn) {
                requireInternalNodePermission(key, methodId, saved);
              }
              var m = new PaymentMethods.StoreMethod(methodId, on, saved);
              return PaymentMethods.saveStoreMethod(tx, storeId, m, clock.instant()).map(m);
            }))
            .onComplete(ar -> methods.invalidate(storeId))
            .compose(m -> describe(store, m))))
        .onSuccess(out -> Reply.ok(out).send(ctx)).onFailure(ctx::fail);
  }

  /**
   * As BTCPay: the server's own Lightning node holds the operator's funds and channels, so only
   * a key trusted with it ({@code canuseinternallightningnode}, implied by unrestricted and
   * canmodifyserversettings) may point a store at it; owning the store is not enough.
   */
  private static void requireInternalNodePermission(ApiKey key, String methodId, JsonObject normalized) {
    if (methodId.equals(LightningPaymentHandler.ID)
        && LndConnectionString.INTERNAL_NODE.equals(normalized.getString("connectionString"))
        && !key.canEverywhere(Policies.SERVER_USE_INTERNAL_LIGHTNING)) {
      throw ApiException.forbidden(Policies.SERVER_USE_INTERNAL_LIGHTNING);
    }
  }

  public void delete(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, storeId);
    String methodId = ctx.pathParam("methodId");
    store(storeId).compose(s -> PaymentMethods.deleteStoreMethod(pool, storeId, methodId))
        .onComplete(ar -> methods.invalidate(storeId)).onSuccess(deleted -> {
      if (!deleted) {
        ctx.fail(ApiException.notFound("paymentmethod-not-found", "The store has no payment method " + methodId));
      } else {
        ctx.response().setStatusCode(200).end();
      }
    }).onFailure(ctx::fail);
  }

  /** The invoice's payment methods: where to pay, how much is due, and what was paid (BTC strings). */
  public void invoiceMethods(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_INVOICES, storeId);
    String invoiceId = ctx.pathParam("invoiceId");
    if (!Ids.looksLikeId(invoiceId)) {
      throw ApiException.invoiceNotFound();
    }
    InvoiceRepository.findLive(pool, invoiceId).compose(inv -> {
      if (inv == null || !inv.storeId().equals(storeId)) {
        throw ApiException.invoiceNotFound();
      }
      return PaymentMethods.invoiceMethods(pool, invoiceId)
          .compose(ms -> InvoicePayments.of(pool, invoiceId).map(ps -> invoiceMethodsJson(inv, ms, ps)));
    }).onSuccess(out -> Reply.ok(out).send(ctx)).onFailure(ctx::fail);
  }

  static JsonArray invoiceMethodsJson(Invoice inv, List<InvoicePaymentMethod> ms, List<InvoicePayments.Payment> ps) {
    long paid = ps.stream().filter(InvoicePayments.Payment::valid).mapToLong(InvoicePayments.Payment::valueSats).sum();
    long due = inv.dueSats() == null ? 0 : inv.dueSats();
    JsonArray out = new JsonArray();
    for (InvoicePaymentMethod m : ms) {
      long methodPaid = ps.stream().filter(p -> p.valid() && p.paymentMethodId().equals(m.paymentMethodId()))
          .mapToLong(InvoicePayments.Payment::valueSats).sum();
      JsonArray payments = new JsonArray();
      ps.stream().filter(p -> p.paymentMethodId().equals(m.paymentMethodId())).forEach(p -> payments.add(new JsonObject()
          .put("id", p.id())
          .put("receivedDate", p.receivedAt().getEpochSecond())
          .put("value", btc(p.valueSats()))
          .put("fee", "0.00000000")
          .put("status", p.status(inv.speedPolicy()))
          .put("destination", p.destination())));
      out.add(new JsonObject()
          .put("paymentMethodId", m.paymentMethodId())
          .put("destination", m.destination())
          .put("paymentLink", m.paymentLink())
          .put("rate", inv.rate().stripTrailingZeros().toPlainString())
          .put("amount", btc(due))
          .put("paid", btc(paid))
          .put("paymentMethodPaid", btc(methodPaid))
          .put("due", btc(Math.max(0, due - paid)))
          .put("activated", true)
          .put("additionalData", new JsonObject(m.detailsJson()))
          .put("payments", payments));
    }
    return out;
  }

  static String btc(long sats) {
    return BigDecimal.valueOf(sats, 8).toPlainString();
  }

  private Future<Store> store(String storeId) {
    return StoresHandler.requireLive(pool, storeId);
  }

  private Future<JsonObject> describe(Store store, PaymentMethods.StoreMethod m) {
    PaymentMethodHandler h = methods.handler(m.paymentMethodId());
    JsonObject base = new JsonObject().put("paymentMethodId", m.paymentMethodId()).put("enabled", m.enabled())
        .put("config", m.config());
    if (h == null) {
      return Future.succeededFuture(base);
    }
    return pool.withConnection(c -> h.describe(c, store, m.config())).map(extra -> base.put("status", extra));
  }
}
