package me.flashapp.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import me.flashapp.gateway.api.BoltCardLnurl;
import me.flashapp.gateway.api.PullPaymentsHandler;
import me.flashapp.gateway.api.SettlementsHandler;
import me.flashapp.gateway.payout.MerchantSettlements;
import me.flashapp.gateway.payout.PayoutDestinations;
import me.flashapp.gateway.payout.PullPayments;
import me.flashapp.gateway.api.Links;
import me.flashapp.gateway.card.CardIssuer;
import me.flashapp.gateway.card.CardLnurlPay;
import me.flashapp.gateway.card.CardPayouts;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.card.CardWithdrawals;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.db.SqlErrors;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.ledger.UnappliedFolder;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.lightning.Lightning;
import me.flashapp.gateway.settlement.Settlement;

/**
 * Money leaving Flash Cards and stores, wired in one place so {@link Gateway} only creates,
 * starts and routes it: card LNURL-withdraw and LNURL-pay, pull payments and payouts, merchant
 * settlement, and the folding of a store's unapplied ledger credits. Lightning starts after the HTTP
 * handlers are built, so the payouts service is reached through a reference set at start.
 */
public final class CardsWiring {
  /** How often unapplied ledger lines (a store's card income) are folded into balances. */
  static final long FOLD_INTERVAL_MILLIS = 1_000;
  private final AtomicReference<Lightning> lightning = new AtomicReference<>();
  private final CardWithdrawals withdrawals;
  private final BoltCardLnurl lnurl;
  private final PullPayments pulls;
  private final PullPaymentsHandler pullsHandler;
  private final MerchantSettlements settlements;
  private final SettlementsHandler settlementsHandler;
  private final Vertx vertx;
  private final long settlementIntervalMillis;
  private final UnappliedFolder folder;
  private long timer = -1;
  private long foldTimer = -1;

  CardsWiring(Vertx vertx, GatewayConfig config, Pool pool, CardIssuer issuer, CardTaps taps, Settlement settlement,
              InvoiceService invoices, Links links, Clock clock) {
    Bolt11Network network = Bolt11Network.valueOf(config.network().name());
    CardPayouts payouts = (bolt11, maxFeeSats, key) -> payouts(bolt11, key);
    this.withdrawals = new CardWithdrawals(vertx, pool, taps, settlement, payouts, network, clock);
    CardLnurlPay lnurlPay = new CardLnurlPay(pool, issuer, invoices, clock);
    this.lnurl = new BoltCardLnurl(withdrawals, lnurlPay, links);
    WebClient web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000).setIdleTimeout(30)
        .setFollowRedirects(false));
    this.pulls = new PullPayments(pool, new PayoutDestinations(web, lnurlPay, network), payouts, clock);
    this.pullsHandler = new PullPaymentsHandler(pool, pulls);
    this.settlements = new MerchantSettlements(pool, pulls, clock);
    this.settlementsHandler = new SettlementsHandler(settlements);
    this.vertx = vertx;
    this.settlementIntervalMillis = config.settlementIntervalSeconds() * 1_000L;
    this.folder = new UnappliedFolder(pool);
  }

  /**
   * The Lightning payouts service behind {@link CardPayouts}; its configured fee limit (ppm)
   * applies. A BOLT11 another payout already pays is a failure, never a second payment.
   */
  private Future<CardPayouts.Result> payouts(String bolt11, String payoutId) {
    Lightning ln = lightning.get();
    if (ln == null) {
      return Future.failedFuture(new IllegalStateException("Lightning is not started"));
    }
    return ln.payouts().pay(payoutId, bolt11).map(p -> new CardPayouts.Result("succeeded".equals(p.status())
            ? CardPayouts.Outcome.SUCCEEDED : CardPayouts.Outcome.FAILED,
            p.feeMsat() == null ? 0 : (p.feeMsat() + 999) / 1000, p.failureReason()))
        .recover(err -> SqlErrors.isUniqueViolation(err)
            ? Future.succeededFuture(new CardPayouts.Result(CardPayouts.Outcome.FAILED, 0, "invoice already paid"))
            : Future.failedFuture(err));
  }

  Consumer<Router> routes() {
    return router -> {
      lnurl.routes(router);
      pullsHandler.routes(router);
      settlementsHandler.routes(router);
    };
  }

  /**
   * Called once Lightning runs: finishes what a previous run left in flight, then starts the
   * periodic settlement check and the folding of unapplied ledger lines.
   */
  Future<Void> start(Lightning ln) {
    lightning.set(ln);
    return withdrawals.resume().compose(v -> pulls.resume()).onSuccess(v -> {
      timer = settlements.schedule(vertx, settlementIntervalMillis);
      foldTimer = folder.schedule(vertx, FOLD_INTERVAL_MILLIS);
    });
  }

  /** Stops the periodic settlement check and folding. */
  void stop() {
    for (long t : new long[] {timer, foldTimer}) {
      if (t >= 0) {
        vertx.cancelTimer(t);
      }
    }
  }
}
