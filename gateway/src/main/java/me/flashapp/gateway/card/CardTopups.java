package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.Journal;
import me.flashapp.gateway.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credits a card when its top-up invoice settles, in the settling transaction
 * ({@link InvoiceService#onSettled}). The credit is what was actually paid (valid payments, in
 * sats), moved from {@code topup-clearing} to the card, once per invoice ({@code topup:<invoiceId>}).
 *
 * <p>An invoice marked Settled by hand with nothing paid credits nothing: marking records the
 * merchant's decision, not money received, and a card balance must be backed by a payment.
 */
public final class CardTopups implements InvoiceService.SettledListener {
  /** Ledger journal kind of a top-up. */
  public static final String TOPUP_KIND = "card-topup";
  private static final Logger LOG = LoggerFactory.getLogger(CardTopups.class);

  private final Clock clock;

  public CardTopups(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> settled(SqlConnection tx, Invoice invoice) {
    return CardRepository.topupCard(tx, invoice.id()).compose(cardId -> cardId == null ? Future.succeededFuture()
        : InvoiceRepository.paymentFacts(tx, invoice.id()).compose(facts -> {
          long paid = InvoiceService.paidSats(facts);
          if (paid == 0) {
            LOG.info("top-up invoice {} settled with nothing paid: card {} not credited", invoice.id(), cardId);
            return Future.succeededFuture();
          }
          return Ledger.post(tx, Journal.transfer("topup:" + invoice.id(), TOPUP_KIND, invoice.id(),
              Accounts.TOPUP_CLEARING, Accounts.card(cardId), paid), clock.instant()).mapEmpty();
        }));
  }
}
