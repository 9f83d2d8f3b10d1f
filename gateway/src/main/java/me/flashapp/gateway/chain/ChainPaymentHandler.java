package me.flashapp.gateway.chain;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import me.flashapp.gateway.bitcoin.AddressCodec;
import me.flashapp.gateway.bitcoin.DerivationScheme;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoicePaymentMethod;
import me.flashapp.gateway.invoice.PaymentMethodConfigException;
import me.flashapp.gateway.invoice.PaymentMethodHandler;
import me.flashapp.gateway.money.Sats;
import me.flashapp.gateway.store.Store;

/**
 * {@code BTC-CHAIN}: a store's watch-only wallet (extended public key or descriptor) and a fresh
 * address per invoice. Indexes come from a PostgreSQL sequence per scheme, so no address is
 * handed out twice even when invoices are created concurrently (and none waits for another).
 */
public final class ChainPaymentHandler implements PaymentMethodHandler {
  public static final String ID = "BTC-CHAIN";
  /**
   * Devnet wallet: the BIP84 testnet account key (m/84'/1'/0') of the well-known test mnemonic
   * "abandon ×11 about". Only ever offered in devnet mode, where no real money exists.
   */
  public static final String DEVNET_VPUB =
      "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

  /**
   * A fresh index from the scheme's sequence (schema V9). Unlike the former counter row, which
   * stayed locked until the invoice committed and so serialized every invoice of a scheme, this
   * holds no lock; an invoice that rolls back leaves a gap of one index (see V8 for why that is
   * acceptable). chain_addresses' unique constraints still guard against any reuse.
   */
  static final String NEXT_INDEX = "SELECT chain_next_index($1) AS idx";
  static final String INSERT_ADDRESS = "INSERT INTO chain_addresses (scheme, idx, script, address, store_id,"
      + " invoice_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
  static final String DESCRIBE = "SELECT chain_peek_next_index($1) AS next,"
      + " (SELECT max(a.idx) FROM chain_addresses a WHERE a.scheme = $1 AND EXISTS (SELECT 1 FROM invoice_payments p"
      + " WHERE p.payment_method_id = 'BTC-CHAIN' AND p.invoice_id = a.invoice_id)) AS last_used";

  private final Network network;
  private final boolean devnet;
  private final WatchedScripts watched;
  private final Clock clock;
  /**
   * Parsed schemes by their stored text: parsing (Base58, checksums, the canonical form) showed
   * up in the profile of every invoice, for a handful of distinct values. Bounded by clearing.
   */
  private final Map<String, Parsed> parsedSchemes = new ConcurrentHashMap<>();

  private record Parsed(DerivationScheme scheme, String canonical) {}

  private Parsed parsed(String text) {
    Parsed p = parsedSchemes.get(text);
    if (p == null) {
      DerivationScheme scheme = DerivationScheme.parse(text, network);
      p = new Parsed(scheme, scheme.canonical());
      if (parsedSchemes.size() >= 10_000) {
        parsedSchemes.clear();
      }
      parsedSchemes.put(text, p);
    }
    return p;
  }

  public ChainPaymentHandler(Network network, boolean devnet, WatchedScripts watched, Clock clock) {
    this.network = network;
    this.devnet = devnet;
    this.watched = watched;
    this.clock = clock;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Future<JsonObject> validateConfig(Store store, JsonObject config) {
    Object raw = config.getValue("derivationScheme");
    if (!(raw instanceof String text) || text.isBlank()) {
      return Future.failedFuture(new PaymentMethodConfigException("config.derivationScheme", "is required"));
    }
    try {
      DerivationScheme scheme = DerivationScheme.parse(text, network);
      return Future.succeededFuture(new JsonObject().put("derivationScheme", scheme.canonical()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new PaymentMethodConfigException("config.derivationScheme", e.getMessage()));
    }
  }

  @Override
  public Future<Prepared> prepare(SqlClient db, Store store, Invoice invoice, JsonObject storeConfig) {
    Parsed parsed = parsed(storeConfig.getString("derivationScheme"));
    DerivationScheme scheme = parsed.scheme();
    String canonical = parsed.canonical();
    return db.preparedQuery(NEXT_INDEX).execute(Tuple.of(canonical)).map(rows -> {
      int index = rows.iterator().next().getInteger("idx");
      byte[] script = scheme.deriveScript(index);
      // from the script, not deriveAddress(index): that would derive the child key (EC math) again
      String address = AddressCodec.fromScriptPubKey(script, network);
      String link = "bitcoin:" + address + (invoice.dueSats() == null ? ""
          : "?amount=" + Sats.of(invoice.dueSats()).toBip21Amount());
      JsonObject details = new JsonObject().put("index", index).put("scheme", canonical);
      return new Prepared(new InvoicePaymentMethod(ID, address, link, details.encode()), tx -> tx
          .preparedQuery(INSERT_ADDRESS)
          .execute(Tuple.from(new Object[] {canonical, index, io.vertx.core.buffer.Buffer.buffer(script), address,
              store.id(), invoice.id(), clock.instant().atOffset(ZoneOffset.UTC)}))
          .map(ids -> {
            // Watched before the invoice is even returned: a wallet cannot pay it earlier than that.
            // If the transaction rolls back, the stray entry points to no invoice and records nothing.
            watched.add(script, ids.iterator().next().getLong("id"), new WatchedScripts.Watched(invoice.id(), address));
            return null;
          }));
    });
  }

  @Override
  public Future<JsonObject> describe(SqlConnection db, Store store, JsonObject storeConfig) {
    String canonical = storeConfig.getString("derivationScheme");
    return db.preparedQuery(DESCRIBE).execute(Tuple.of(canonical)).map(rows -> {
      Row r = rows.iterator().next();
      int next = r.getInteger("next") == null ? 0 : r.getInteger("next");
      int lastUsed = r.getInteger("last_used") == null ? -1 : r.getInteger("last_used");
      return new JsonObject().put("nextIndex", next).put("lastUsedIndex", lastUsed).put("gap", next - (lastUsed + 1));
    });
  }

  @Override
  public Future<JsonObject> devDefaultConfig(SqlConnection tx, Store store) {
    if (!devnet) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(new JsonObject()
        .put("derivationScheme", DerivationScheme.parse(DEVNET_VPUB, network).canonical()));
  }
}
