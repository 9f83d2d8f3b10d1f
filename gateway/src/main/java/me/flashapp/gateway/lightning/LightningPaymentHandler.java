package me.flashapp.gateway.lightning;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoicePaymentMethod;
import me.flashapp.gateway.invoice.PaymentMethodConfigException;
import me.flashapp.gateway.invoice.PaymentMethodHandler;
import me.flashapp.gateway.store.Store;

/**
 * {@code BTC-LN}: a store connects an LND node (BTCPay's connection string, or the server's
 * "Internal Node"); each invoice gets a BOLT11 from AddInvoice for the amount due, expiring with
 * the invoice. The LND invoice is recorded in {@code lightning_invoices} so the listener can find
 * the gateway invoice by payment hash.
 */
public final class LightningPaymentHandler implements PaymentMethodHandler {
  public static final String ID = "BTC-LN";
  /**
   * Invoice metadata key: an LNURL-pay metadata string (LUD-06) the BOLT11 must commit to. When
   * set, the BOLT11 carries its SHA-256 as {@code description_hash} instead of the memo.
   */
  public static final String LNURL_METADATA = "lnurlMetadata";
  static final String INSERT = "INSERT INTO lightning_invoices (payment_hash, invoice_id, node, value_msat, state,"
      + " created_at) VALUES ($1, $2, $3, $4, 'open', $5)";

  private final Vertx vertx;
  private final LndNodes nodes;
  private final Clock clock;
  private final boolean devMode;

  /**
   * {@code devMode} (regtest): a new store of a gateway whose chain or node is simulated gets
   * BTC-LN = Internal Node, whether that node is the in-process simulator or one of its own
   * (a real regtest LND, or {@code devnet.DevnetLnd} in a load run).
   */
  public LightningPaymentHandler(Vertx vertx, LndNodes nodes, Clock clock, boolean devMode) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.clock = clock;
    this.devMode = devMode;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Future<JsonObject> validateConfig(Store store, JsonObject config) {
    Object raw = config.getValue("connectionString");
    if (raw != null && !(raw instanceof String)) {
      return Future.failedFuture(new PaymentMethodConfigException(LndConnectionString.PATH, "must be a string"));
    }
    LndConnectionString c;
    try {
      c = LndConnectionString.parse((String) raw);
    } catch (PaymentMethodConfigException e) {
      return Future.failedFuture(e);
    }
    String normalized = c.internal() ? LndConnectionString.INTERNAL_NODE : ((String) raw).trim();
    // Reading the named files now turns a wrong path into a 422 instead of failing invoices later.
    Future<?> check = c.internal() ? Future.succeededFuture() : LndEndpoint.resolve(vertx, c);
    return check.map(v -> new JsonObject().put("connectionString", normalized));
  }

  @Override
  public Future<Prepared> prepare(SqlClient db, Store store, Invoice invoice, JsonObject storeConfig) {
    long msat = invoice.isTopUp() ? 0 : Math.multiplyExact(invoice.dueSats(), 1000L);
    long expiry = Math.max(1, Duration.between(clock.instant(), invoice.expiresAt()).getSeconds());
    var builder = org.lightningj.lnd.proto.LightningApi.Invoice.newBuilder()
        .setValueMsat(msat).setExpiry(expiry).setMemo(memo(store, invoice));
    String lnurlMetadata = lnurlMetadata(invoice);
    if (lnurlMetadata != null) {
      // LUD-06: the payer's wallet checks h == sha256(metadata it was served); LND then puts h, not the memo, in the BOLT11
      builder.setDescriptionHash(ByteString.copyFrom(Lnurl.metadataHash(lnurlMetadata)));
    }
    var request = builder.build();
    return nodes.client(LndConnectionString.parse(storeConfig.getString("connectionString")))
        .compose(client -> client.addInvoice(request).map(added -> {
          String hash = HexFormat.of().formatHex(added.getRHash().toByteArray());
          String bolt11 = added.getPaymentRequest();
          return new Prepared(new InvoicePaymentMethod(ID, bolt11, "lightning:" + bolt11,
              new JsonObject().put("paymentHash", hash).encode()), tx -> tx.preparedQuery(INSERT)
              .execute(Tuple.of(hash, invoice.id(), client.node(), Math.max(msat, 1), clock.instant().atOffset(ZoneOffset.UTC)))
              .mapEmpty());
        }));
  }

  @Override
  public Future<JsonObject> devDefaultConfig(SqlConnection tx, Store store) {
    return Future.succeededFuture(devMode ? new JsonObject().put("connectionString", LndConnectionString.INTERNAL_NODE)
        : null);
  }

  /** The invoice's {@value #LNURL_METADATA} string, or null (absent, or not a string: the API refuses those). */
  static String lnurlMetadata(Invoice invoice) {
    String json = invoice.metadataJson();
    // most invoices have none: skip parsing their metadata
    if (json == null || !json.contains(LNURL_METADATA)) {
      return null;
    }
    return new JsonObject(json).getValue(LNURL_METADATA) instanceof String m ? m : null;
  }

  private static String memo(Store store, Invoice invoice) {
    String m = store.name() + " invoice " + invoice.id();
    return m.length() > 200 ? m.substring(0, 200) : m;
  }
}
