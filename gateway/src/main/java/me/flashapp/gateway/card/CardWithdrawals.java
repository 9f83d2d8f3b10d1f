package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.InsufficientFundsException;
import me.flashapp.gateway.ledger.Journal;
import me.flashapp.gateway.ledger.Ledger;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Exception;
import me.flashapp.gateway.lightning.Bolt11Invoice;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LNURL-withdraw (LUD-03) from a Flash Card.
 *
 * <p>{@link #offer}: a tap (p, c) is verified and its counter consumed (a tap is single-use),
 * then a random k1 is stored (as its SHA-256) with the amount range the card may withdraw now:
 * at most its per-transaction limit, what is left of its daily limit, and its balance.
 *
 * <p>{@link #withdraw}: the BOLT11 is checked (network, amount within the range, not expired),
 * then one transaction claims the k1 and debits the card. A BOLT11 of one of this gateway's own
 * invoices is paid inside the ledger ({@code card → store}, a FLASH-CARD payment recorded through
 * {@link Settlement}); anything else moves {@code card → payouts-in-flight} and is paid through
 * {@link CardPayouts} under the payout id {@code card-withdraw:<k1 hash>}. Success moves
 * {@code payouts-in-flight → external}; failure refunds the card. Every journal has an idempotency
 * key derived from the k1 hash, so {@link #resume} after a crash can finish the job safely.
 */
public final class CardWithdrawals {
  /** Ledger kind of an external withdrawal (counts toward the daily limit). */
  public static final String WITHDRAW_KIND = "card-withdraw";
  static final long OFFER_SECONDS = 300;
  /** How long the callback waits for the payment's outcome before answering OK anyway (LUD-03 allows it). */
  static final long WAIT_MILLIS = 20_000;
  private static final Logger LOG = LoggerFactory.getLogger(CardWithdrawals.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  static final String INSERT = "INSERT INTO card_withdrawals (k1_hash, card_id, min_msat, max_msat, expires_at, status,"
      + " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $6)";
  static final String CLAIM = "UPDATE card_withdrawals SET status = $2, payment_request = $3, amount_sats = $4,"
      + " updated_at = $5 WHERE k1_hash = $1 AND status = 'open'";
  static final String FIND = "SELECT k1_hash, card_id, min_msat, max_msat, expires_at, status, payment_request,"
      + " amount_sats FROM card_withdrawals WHERE k1_hash = $1";
  static final String PAYING = "SELECT k1_hash, card_id, min_msat, max_msat, expires_at, status, payment_request,"
      + " amount_sats FROM card_withdrawals WHERE status = 'paying'";
  static final String FINISH = "UPDATE card_withdrawals SET status = $2, updated_at = $3 WHERE k1_hash = $1"
      + " AND status = 'paying'";
  static final String LOCK_CARD = "SELECT id FROM cards WHERE id = $1 FOR UPDATE";
  static final String OWN_INVOICE = "SELECT invoice_id FROM lightning_invoices WHERE payment_hash = $1";

  /** An offer as stored. */
  record Offer(String k1Hash, String cardId, long minMsat, long maxMsat, Instant expiresAt, String status,
               String paymentRequest, Long amountSats) {}

  /** What {@link #offer} hands to the wallet: the k1 (shown once, never stored) and the range. */
  public record WithdrawRequest(String k1, long minMsat, long maxMsat, Card card) {}

  private final Vertx vertx;
  private final Pool pool;
  private final CardTaps taps;
  private final Settlement settlement;
  private final CardPayouts payouts;
  private final Bolt11Network network;
  private final Clock clock;

  public CardWithdrawals(Vertx vertx, Pool pool, CardTaps taps, Settlement settlement, CardPayouts payouts,
                         Bolt11Network network, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.taps = taps;
    this.settlement = settlement;
    this.payouts = payouts;
    this.network = network;
    this.clock = clock;
  }

  /** Verifies the tap, consumes its counter and stores a fresh k1 with the range the card may withdraw. */
  public Future<WithdrawRequest> offer(String p, String c, String client) {
    return taps.verify(p, c, client)
        .recover(err -> Future.failedFuture(err instanceof TapDeclinedException d ? new LnurlException(
            "Card not accepted: " + d.reason()) : err))
        .compose(v -> {
          Card card = v.card();
          if (!card.enabled()) {
            throw new LnurlException("Card not accepted: card-disabled");
          }
          Instant now = clock.instant();
          byte[] k1 = new byte[32];
          RANDOM.nextBytes(k1);
          String k1Hex = HexFormat.of().formatHex(k1);
          return Transactions.run(pool, tx -> CardRepository.advanceCounter(tx, card.id(), v.counter()).compose(ok -> {
            if (!ok) {
              throw new LnurlException("Card not accepted: counter-replay");
            }
            return available(tx, card, now);
          }).compose(maxSats -> {
            if (maxSats < 1) {
              throw new LnurlException("Nothing to withdraw: the balance or today's limit is used up");
            }
            return tx.preparedQuery(INSERT).execute(Tuple.of(hash(k1Hex), card.id(), 1_000L,
                    Math.multiplyExact(maxSats, 1_000L), utc(now.plusSeconds(OFFER_SECONDS)), utc(now)))
                .map(rs -> new WithdrawRequest(k1Hex, 1_000L, maxSats * 1_000L, card));
          }));
        });
  }

  /** Sats the card may spend now: min(per-transaction limit, daily limit left, balance). */
  private static Future<Long> available(SqlConnection tx, Card card, Instant now) {
    // card payments and withdrawals share the daily limit
    return Ledger.balance(tx, Accounts.card(card.id())).compose(balance -> CardRepository.spentOn(tx, card.id(), now)
        .map(spent -> Math.min(Math.min(card.limitPerTx(), card.limitDaily() - spent), balance)));
  }

  /**
   * The callback: checks {@code pr} against the offer of {@code k1}, debits the card and pays.
   * Completes when the payment is final (or after a bounded wait, with the payment still in
   * flight); fails with {@link LnurlException} for anything the wallet should show.
   */
  public Future<Void> withdraw(String k1, String pr) {
    if (k1 == null || !k1.matches("[0-9a-f]{64}")) {
      return Future.failedFuture(new LnurlException("Unknown or expired k1"));
    }
    Bolt11Invoice bolt11;
    try {
      bolt11 = Bolt11.decode(pr == null ? "" : pr.trim());
    } catch (Bolt11Exception e) {
      return Future.failedFuture(new LnurlException("Invalid payment request: " + e.getMessage()));
    }
    Instant now = clock.instant();
    String k1Hash = hash(k1);
    return pool.preparedQuery(FIND).execute(Tuple.of(k1Hash)).compose(rows -> {
      Offer offer = rows.size() == 0 ? null : map(rows.iterator().next());
      if (offer == null || !now.isBefore(offer.expiresAt())) {
        throw new LnurlException("Unknown or expired k1");
      }
      if (!"open".equals(offer.status())) {
        throw new LnurlException("This k1 was already used");
      }
      check(bolt11, offer, now);
      long msat = bolt11.amountMsat().getAsLong();
      long sats = (msat + 999) / 1000; // a sub-sat remainder is charged as a whole sat: the ledger counts sats
      return pool.preparedQuery(OWN_INVOICE).execute(Tuple.of(bolt11.paymentHashHex())).compose(own -> own.size() == 0
          ? external(offer, bolt11, sats, now)
          : internal(offer, bolt11, sats, own.iterator().next().getString(0), now));
    });
  }

  private void check(Bolt11Invoice bolt11, Offer offer, Instant now) {
    if (bolt11.network() != network) {
      throw new LnurlException("The invoice is for another network");
    }
    if (bolt11.amountMsat().isEmpty()) {
      throw new LnurlException("The invoice has no amount");
    }
    long msat = bolt11.amountMsat().getAsLong();
    if (msat < offer.minMsat() || msat > offer.maxMsat()) {
      throw new LnurlException("Amount out of range: " + offer.minMsat() + " to " + offer.maxMsat() + " msat");
    }
    if (bolt11.isExpired(now)) {
      throw new LnurlException("The invoice has expired");
    }
  }

  /** Claims the k1 and debits the card, under the card's row lock so the daily limit holds under concurrency. */
  private Future<Void> claim(SqlConnection tx, Offer offer, String status, String pr, long sats, Instant now) {
    return tx.preparedQuery(LOCK_CARD).execute(Tuple.of(offer.cardId()))
        .compose(locked -> tx.preparedQuery(CLAIM).execute(Tuple.of(offer.k1Hash(), status, pr, sats, utc(now))))
        .compose(rs -> {
          if (rs.rowCount() != 1) {
            throw new LnurlException("This k1 was already used");
          }
          return CardRepository.spentOn(tx, offer.cardId(), now);
        })
        .compose(spent -> CardRepository.find(tx, offer.cardId()).compose(card -> {
          if (card == null || !card.enabled()) {
            throw new LnurlException("The card is disabled");
          }
          if (sats > card.limitPerTx() || Math.addExact(spent, sats) > card.limitDaily()) {
            throw new LnurlException("Over the card's limits");
          }
          return CardRepository.addSpent(tx, card.id(), now, sats); // the debit follows in this transaction
        }));
  }

  private Future<Void> internal(Offer offer, Bolt11Invoice bolt11, long sats, String invoiceId, Instant now) {
    String paymentId = offer.cardId() + ":" + bolt11.paymentHashHex();
    return Transactions.run(pool, tx -> claim(tx, offer, "internal", bolt11.paymentRequest(), sats, now)
        .compose(v -> InvoiceRepository.lock(tx, invoiceId))
        .compose(inv -> {
          if (inv == null || inv.status() != InvoiceStatus.New || !now.isBefore(inv.expiresAt())) {
            throw new LnurlException("The invoice can no longer be paid");
          }
          return Ledger.post(tx, Journal.transfer("withdraw:" + offer.k1Hash(), CardTaps.PAYMENT_KIND, inv.id(),
                  Accounts.card(offer.cardId()), Accounts.store(inv.storeId()), sats), now)
              .compose(posted -> settlement.record(tx, new DetectedPayment(CardTaps.PAYMENT_METHOD, paymentId, inv.id(),
                  sats, PaymentFact.FINAL, now, offer.cardId(), new JsonObject().put("cardId", offer.cardId())
                  .put("lnurlw", true).encode())))
              .<Void>mapEmpty();
        }))
        .recover(CardWithdrawals::insufficient);
  }

  private Future<Void> external(Offer offer, Bolt11Invoice bolt11, long sats, Instant now) {
    return Transactions.run(pool, tx -> claim(tx, offer, "paying", bolt11.paymentRequest(), sats, now)
            .compose(v -> Ledger.post(tx, Journal.transfer("withdraw:" + offer.k1Hash(), WITHDRAW_KIND, null,
                Accounts.card(offer.cardId()), Accounts.PAYOUTS_IN_FLIGHT, sats), now)))
        .recover(CardWithdrawals::insufficient)
        .compose(posted -> {
          Offer paying = new Offer(offer.k1Hash(), offer.cardId(), offer.minMsat(), offer.maxMsat(), offer.expiresAt(),
              "paying", bolt11.paymentRequest(), sats);
          Future<Boolean> done = pay(paying);
          // LUD-03 lets the service answer OK before the payment completes; bound the wait.
          return Future.any(done, vertx.timer(WAIT_MILLIS)).compose(any -> done.isComplete() && done.succeeded()
              && !done.result() ? Future.failedFuture(new LnurlException("The payment failed; the card was refunded"))
              : Future.succeededFuture());
        });
  }

  /** Pays and books the outcome; true if the payment succeeded, false if it failed (card refunded). */
  private Future<Boolean> pay(Offer o) {
    return payouts.pay(o.paymentRequest(), 0, "card-withdraw:" + o.k1Hash()).compose(result -> {
      boolean ok = result.outcome() == CardPayouts.Outcome.SUCCEEDED;
      Instant now = clock.instant();
      return Transactions.run(pool, tx -> tx.preparedQuery(FINISH)
              .execute(Tuple.of(o.k1Hash(), ok ? "succeeded" : "failed", utc(now)))
              .compose(rs -> Ledger.post(tx, ok
                  ? Journal.transfer("withdraw-paid:" + o.k1Hash(), WITHDRAW_KIND + "-paid", null,
                      Accounts.PAYOUTS_IN_FLIGHT, Accounts.EXTERNAL, o.amountSats())
                  : Journal.transfer("withdraw-refund:" + o.k1Hash(), WITHDRAW_KIND + "-refund", null,
                      Accounts.PAYOUTS_IN_FLIGHT, Accounts.card(o.cardId()), o.amountSats()), now))
              .compose(posted -> result.feeSats() > 0 && ok
                  // routing fees are the operator's cost, not the card holder's
                  ? Ledger.post(tx, Journal.transfer("withdraw-fee:" + o.k1Hash(), "routing-fee", null, Accounts.FEES,
                      Accounts.EXTERNAL, result.feeSats()), now)
                  : Future.succeededFuture(true)))
          .map(ok);
    }).onFailure(err -> LOG.warn("card withdrawal of card {}: payment outcome not booked: {}", o.cardId(),
        err.toString()));
  }

  /** Finishes withdrawals a previous run left paying (the payouts service never pays twice). */
  public Future<Void> resume() {
    return pool.preparedQuery(PAYING).execute().map(rows -> {
      for (Row r : rows) {
        pay(map(r));
      }
      return null;
    });
  }

  private static <T> Future<T> insufficient(Throwable err) {
    return Future.failedFuture(err instanceof InsufficientFundsException
        ? new LnurlException("Insufficient balance") : err);
  }

  static String hash(String k1) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(k1.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Offer map(Row r) {
    return new Offer(r.getString("k1_hash"), r.getString("card_id"), r.getLong("min_msat"), r.getLong("max_msat"),
        r.getOffsetDateTime("expires_at").toInstant(), r.getString("status"), r.getString("payment_request"),
        r.getLong("amount_sats"));
  }

  private static java.time.OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
