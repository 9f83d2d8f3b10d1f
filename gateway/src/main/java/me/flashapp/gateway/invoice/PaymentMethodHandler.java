package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;
import me.flashapp.gateway.store.Store;

/**
 * One payment method (on-chain, Lightning, card): how a store configures it and how it prepares
 * an invoice to be paid. Each lives in its own package ({@code chain}, {@code lightning},
 * {@code card}) next to the listener that reports its payments.
 */
public interface PaymentMethodHandler {
  /** The Greenfield payment method id: {@code BTC-CHAIN}, {@code BTC-LN}, {@code FLASH-CARD}. */
  String id();

  /**
   * Checks and normalizes a store's configuration (the {@code config} of
   * {@code PUT /stores/{id}/payment-methods/{method}}).
   *
   * @throws PaymentMethodConfigException naming the invalid field
   */
  Future<JsonObject> validateConfig(Store store, JsonObject config);

  /**
   * Makes the method ready for a new invoice BEFORE the invoice's transaction opens: the slow or
   * remote part (an address index and its key derivation, an invoice from the Lightning node), so
   * that no pooled connection sits in an open transaction while a node answers. What must be stored
   * with the invoice is done by {@link Prepared#write} in that transaction. If it rolls back, what
   * was reserved stays unused: an address index is skipped, a node invoice expires unpaid.
   *
   * @param db the pool, outside any transaction
   */
  Future<Prepared> prepare(SqlClient db, Store store, Invoice invoice, JsonObject storeConfig);

  /** A method made ready for an invoice, and its rows to write in the invoice's transaction. */
  record Prepared(InvoicePaymentMethod method, Function<SqlConnection, Future<Void>> write) {}

  /** What the store's settings page shows besides the config (address gap, node state); may be empty. */
  default Future<JsonObject> describe(SqlConnection db, Store store, JsonObject storeConfig) {
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * A configuration to enable on every new store in dev mode (devnet wallet, internal node), or
   * null for none.
   */
  default Future<JsonObject> devDefaultConfig(SqlConnection tx, Store store) {
    return Future.succeededFuture(null);
  }
}
