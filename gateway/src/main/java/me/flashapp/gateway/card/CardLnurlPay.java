package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.NewInvoice;
import me.flashapp.gateway.lightning.LightningPaymentHandler;
import me.flashapp.gateway.store.StoreRepository;

/**
 * A card's LNURL-pay (LUD-06) top-up. The card is named by any p it ever produced (the PICC data
 * decrypts to its UID under the issuer's K1): a payer who has seen one tap can top the card up,
 * which is harmless, and no c is needed because nothing is spent. The callback creates an
 * ordinary top-up invoice of the card's store for the amount, so its settlement credits the card
 * through {@link CardTopups}, and answers with that invoice's BOLT11, whose description_hash is
 * the SHA-256 of {@link #metadata} as LUD-06 requires (wallets refuse it otherwise).
 */
public final class CardLnurlPay {
  /** Smallest and largest top-up offered, in sats. */
  public static final long MIN_SATS = 1;
  public static final long MAX_SATS = 10_000_000;
  static final String BOLT11 = "SELECT destination FROM invoice_payment_methods WHERE invoice_id = $1"
      + " AND payment_method_id = 'BTC-LN'";

  private final Pool pool;
  private final CardIssuer issuer;
  private final InvoiceService invoices;
  private final Clock clock;

  public CardLnurlPay(Pool pool, CardIssuer issuer, InvoiceService invoices, Clock clock) {
    this.pool = pool;
    this.issuer = issuer;
    this.invoices = invoices;
    this.clock = clock;
  }

  /** The active card whose tap produced {@code p}; fails with {@link LnurlException} otherwise. */
  public Future<Card> card(String p) {
    PiccData picc;
    try {
      picc = issuer.decoder().decrypt(p == null ? "" : p);
    } catch (SunException | IllegalArgumentException e) {
      return Future.failedFuture(new LnurlException("Unknown card"));
    }
    return CardRepository.findByUid(pool, picc.uidHex()).map(card -> {
      if (card == null || !card.enabled()) {
        throw new LnurlException("Unknown card");
      }
      return card;
    });
  }

  /** LUD-06 metadata: a plain-text description, as the JSON-encoded array wallets hash and show. */
  public static String metadata(Card card) {
    return new JsonArray().add(new JsonArray().add("text/plain").add("Flash Card top-up")).encode();
  }

  /** The payRequest for {@code callback} (the URL the wallet calls with {@code amount}). */
  public static JsonObject payRequest(Card card, String callback) {
    return new JsonObject().put("tag", "payRequest").put("callback", callback)
        .put("minSendable", MIN_SATS * 1_000L).put("maxSendable", MAX_SATS * 1_000L).put("metadata", metadata(card));
  }

  /** Creates a top-up invoice of {@code amountMsat} (whole sats) for the card; yields its BOLT11. */
  public Future<String> invoice(Card card, long amountMsat) {
    if (amountMsat % 1_000 != 0 || amountMsat < MIN_SATS * 1_000L || amountMsat > MAX_SATS * 1_000L) {
      return Future.failedFuture(new LnurlException("Amount must be whole sats between " + MIN_SATS * 1_000L
          + " and " + MAX_SATS * 1_000L + " msat"));
    }
    long sats = amountMsat / 1_000;
    return topup(card, sats).compose(invoiceId -> pool.preparedQuery(BOLT11).execute(Tuple.of(invoiceId)).map(rows -> {
      if (rows.size() == 0) {
        throw new LnurlException("The store does not accept Lightning payments");
      }
      return rows.iterator().next().getString(0);
    }));
  }

  /**
   * An ordinary top-up invoice of {@code sats} for the card, as the card API's topups endpoint
   * makes, whose BOLT11 commits to the payRequest's metadata (LUD-06); its id.
   */
  public Future<String> topup(Card card, long sats) {
    NewInvoice req = new NewInvoice(BigDecimal.valueOf(sats), "SATS", new JsonObject().put("cardTopUp", card.id())
        .put(LightningPaymentHandler.LNURL_METADATA, metadata(card)).encode(), null, null, null, null, null, null, null);
    return StoreRepository.find(pool, card.storeId()).compose(store -> invoices.prepare(store, req))
        .compose(draft -> Transactions.run(pool, tx -> invoices.insert(tx, draft)
            .compose(inv -> CardRepository.insertTopup(tx, inv.id(), card.id(), clock.instant()).map(inv.id()))));
  }
}
