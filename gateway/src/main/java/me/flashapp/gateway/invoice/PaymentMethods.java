package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.db.TtlCache;
import me.flashapp.gateway.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered payment methods, the stores' settings of them, and the methods prepared on
 * each invoice.
 */
public final class PaymentMethods {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentMethods.class);
  static final String STORE_METHODS = "SELECT payment_method_id, enabled, config::text AS config"
      + " FROM store_payment_methods WHERE store_id = $1 ORDER BY payment_method_id";
  static final String UPSERT = "INSERT INTO store_payment_methods (store_id, payment_method_id, enabled, config,"
      + " updated_at) VALUES ($1, $2, $3, $4::text::jsonb, $5) ON CONFLICT (store_id, payment_method_id)"
      + " DO UPDATE SET enabled = EXCLUDED.enabled, config = EXCLUDED.config, updated_at = EXCLUDED.updated_at";
  static final String DELETE = "DELETE FROM store_payment_methods WHERE store_id = $1 AND payment_method_id = $2";
  static final String INSERT_INVOICE_METHOD = "INSERT INTO invoice_payment_methods (invoice_id, payment_method_id,"
      + " destination, payment_link, details, created_at) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)";
  static final String INVOICE_METHODS = "SELECT payment_method_id, destination, payment_link, details::text AS details"
      + " FROM invoice_payment_methods WHERE invoice_id = $1 ORDER BY payment_method_id";

  static final String ON_CHAIN = "BTC-CHAIN";
  static final String LIGHTNING = "BTC-LN";

  /** A store's setting of one method. */
  public record StoreMethod(String paymentMethodId, boolean enabled, JsonObject config) {}

  /** How long another node's change to a store's methods may go unseen here (this node invalidates at once). */
  public static final long STORE_METHODS_TTL_MILLIS = 5_000;

  private final Map<String, PaymentMethodHandler> handlers = new LinkedHashMap<>();
  /** Read by every invoice creation, changed by PUT/DELETE of a method (which invalidate it). */
  private final TtlCache<List<StoreMethod>> storeMethodsCache = new TtlCache<>(STORE_METHODS_TTL_MILLIS, 100_000);

  public PaymentMethods register(PaymentMethodHandler handler) {
    handlers.put(handler.id(), handler);
    return this;
  }

  public PaymentMethodHandler handler(String id) {
    return handlers.get(id);
  }

  public Collection<PaymentMethodHandler> all() {
    return handlers.values();
  }

  public static Future<List<StoreMethod>> storeMethods(SqlClient db, String storeId) {
    return db.preparedQuery(STORE_METHODS).execute(Tuple.of(storeId)).map(rows -> {
      List<StoreMethod> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new StoreMethod(r.getString(0), r.getBoolean(1), new JsonObject(r.getString(2))));
      }
      return out;
    });
  }

  public static Future<Void> saveStoreMethod(SqlClient db, String storeId, StoreMethod m, Instant now) {
    return db.preparedQuery(UPSERT)
        .execute(Tuple.of(storeId, m.paymentMethodId(), m.enabled(), m.config().encode(), now.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  public static Future<Boolean> deleteStoreMethod(SqlClient db, String storeId, String methodId) {
    return db.preparedQuery(DELETE).execute(Tuple.of(storeId, methodId)).map(rs -> rs.rowCount() == 1);
  }

  /** Enables each method's dev default on a new store (dev mode only). */
  public Future<Void> applyDevDefaults(SqlConnection tx, Store store, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (PaymentMethodHandler h : handlers.values()) {
      chain = chain.compose(v -> h.devDefaultConfig(tx, store).compose(config -> config == null
          ? Future.succeededFuture()
          : saveStoreMethod(tx, store.id(), new StoreMethod(h.id(), true, config), now)));
    }
    return chain;
  }

  /** Forgets the cached methods of a store; call after a change to them committed. */
  public void invalidate(String storeId) {
    storeMethodsCache.invalidate(storeId);
  }

  /**
   * Phase one of a new invoice, outside any transaction: every enabled method of the store
   * prepares it, all at once (an address and a node invoice need not wait for each other). The
   * store's settings come from a cache, as the store itself does (they were never locked, so a
   * concurrent change could always land either side of it).
   */
  Future<List<PaymentMethodHandler.Prepared>> prepareAll(SqlClient pool, Store store, Invoice invoice) {
    return storeMethodsCache.get(store.id(), () -> storeMethods(pool, store.id())).compose(methods -> {
      List<Future<PaymentMethodHandler.Prepared>> prepared = new ArrayList<>();
      List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (StoreMethod m : methods) {
        PaymentMethodHandler h = handlers.get(m.paymentMethodId());
        if (m.enabled() && h != null) {
          // One method down (a node unreachable) does not stop a sale the others can take. Composed
          // on a completed future so that a handler that throws is caught like one that fails.
          prepared.add(Future.succeededFuture().compose(v -> h.prepare(pool, store, invoice, m.config()))
              .recover(err -> {
                // the details (hosts, paths of the operator's node) go to the log, not to the client
                LOG.warn("invoice {} of store {}: {} not offered: {}", invoice.id(), store.id(), h.id(), err.toString());
                failures.add(h.id());
                return Future.succeededFuture(null);
              }));
        }
      }
      return Future.all(prepared).map(all -> {
        List<PaymentMethodHandler.Prepared> out = new ArrayList<>(prepared.size());
        prepared.forEach(f -> {
          if (f.result() != null) {
            out.add(f.result());
          }
        });
        if (out.isEmpty() && !failures.isEmpty()) {
          throw new PaymentMethodsUnavailableException(failures);
        }
        return out;
      });
    });
  }

  /**
   * Phase two, in the invoice's transaction: each method's rows and its invoice_payment_methods
   * row. Sent together without waiting for each other's answers (the connection pipelines them;
   * none reads another's result), so the transaction lasts one round trip here, not one per row.
   */
  static Future<Void> writeAll(SqlConnection tx, String invoiceId, List<PaymentMethodHandler.Prepared> prepared,
                               Instant now) {
    List<Future<?>> writes = new ArrayList<>(prepared.size() * 2);
    for (PaymentMethodHandler.Prepared p : prepared) {
      InvoicePaymentMethod pm = p.method();
      writes.add(p.write().apply(tx));
      writes.add(tx.preparedQuery(INSERT_INVOICE_METHOD).execute(Tuple.of(invoiceId, pm.paymentMethodId(),
          pm.destination(), pm.paymentLink(), pm.detailsJson(), now.atOffset(ZoneOffset.UTC))));
    }
    return Future.all(writes).mapEmpty();
  }

  public static Future<List<InvoicePaymentMethod>> invoiceMethods(SqlClient db, String invoiceId) {
    return db.preparedQuery(INVOICE_METHODS).execute(Tuple.of(invoiceId)).map(rows -> {
      List<InvoicePaymentMethod> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new InvoicePaymentMethod(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
      }
      return withUnifiedLink(out);
    });
  }

  /**
   * With both on-chain and Lightning on an invoice, the on-chain link carries the BOLT11 too
   * (BIP21 {@code lightning=} parameter), so one QR code lets any wallet pay either way.
   */
  static List<InvoicePaymentMethod> withUnifiedLink(List<InvoicePaymentMethod> methods) {
    InvoicePaymentMethod ln = methods.stream().filter(m -> m.paymentMethodId().equals(LIGHTNING)).findFirst()
        .orElse(null);
    if (ln == null) {
      return methods;
    }
    List<InvoicePaymentMethod> out = new ArrayList<>(methods.size());
    for (InvoicePaymentMethod m : methods) {
      if (m.paymentMethodId().equals(ON_CHAIN) && m.paymentLink().startsWith("bitcoin:")) {
        String sep = m.paymentLink().contains("?") ? "&" : "?";
        m = new InvoicePaymentMethod(m.paymentMethodId(), m.destination(),
            m.paymentLink() + sep + "lightning=" + ln.destination().toUpperCase(java.util.Locale.ROOT), m.detailsJson());
      }
      out.add(m);
    }
    return out;
  }
}
