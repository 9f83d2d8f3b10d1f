package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
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
   * Prepares the method on a new invoice, inside the transaction that creates it: allocates an
   * address, asks the node for an invoice, ... The result is stored with the invoice.
   */
  Future<InvoicePaymentMethod> prepare(SqlConnection tx, Store store, Invoice invoice, JsonObject storeConfig);

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
