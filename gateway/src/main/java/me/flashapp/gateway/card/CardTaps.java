package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.InsufficientFundsException;
import me.flashapp.gateway.ledger.Journal;
import me.flashapp.gateway.ledger.Ledger;
import me.flashapp.gateway.settlement.DetectedPayment;
import me.flashapp.gateway.settlement.Settlement;

/**
 * Tap-to-pay: verifies a Bolt Card tap and pays an invoice from the card's balance.
 *
 * <p>Checks, cheapest first: the client's rate limit and K1 decryption of p (UID and counter),
 * before any database work. Then one transaction: the invoice locked with what is still due, the
 * card its UID names (row-locked: concurrent debits of a card are serialized from here) and what
 * it spent today (taps and withdrawals, one row in card_spend_days), all in one flight; then the
 * card's rate limit, the SUN MAC c under the card's K2, enabled, counter above the last accepted,
 * the invoice payable, per-transaction limit, PIN, daily limit; then the counter consumed, the
 * ledger journal {@code card → store} keyed {@code card:<id>:<counter>}, the FLASH-CARD payment
 * (FINAL) recorded through {@link Settlement}, which re-evaluates and settles the invoice and
 * writes its events, and the tap's audit row.
 *
 * <p>A decline rolls that transaction back and writes only the tap's audit row in card_taps.
 * The POS hub calls {@link #pay} for a {@code cardPayment} message ({@link TapRequest#fromPosFrame})
 * and answers with {@link TapResult#toPosFrame}.
 */
public final class CardTaps {
  /** The payment method id of card payments. */
  public static final String PAYMENT_METHOD = "FLASH-CARD";
  /** Ledger journal kind of a card payment. */
  public static final String PAYMENT_KIND = "card-payment";

  private final Pool pool;
  private final CardIssuer issuer;
  private final Settlement settlement;
  private final Clock clock;
  private final TokenBuckets perCard;
  private final TokenBuckets perClient;

  /**
   * @param perCard taps per card (every tap that names the card counts, forged ones included)
   * @param perClient taps and balance reads per client address
   */
  public CardTaps(Pool pool, CardIssuer issuer, Settlement settlement, Clock clock, TokenBuckets perCard,
                  TokenBuckets perClient) {
    this.pool = pool;
    this.issuer = issuer;
    this.settlement = settlement;
    this.clock = clock;
    this.perCard = perCard;
    this.perClient = perClient;
  }

  /**
   * With the configured limits (defaults: a card may tap 10 times at once then once a second; a
   * client address 100 at once then 20 a second).
   */
  public static CardTaps withLimits(Pool pool, CardIssuer issuer, Settlement settlement, Clock clock,
                                    Limit perCard, Limit perClient) {
    return new CardTaps(pool, issuer, settlement, clock,
        new TokenBuckets(clock, perCard.burst(), perCard.perSecond(), 100_000),
        new TokenBuckets(clock, perClient.burst(), perClient.perSecond(), 100_000));
  }

  /** A token bucket's shape: {@code burst} taps at once, then {@code perSecond} taps a second. */
  public record Limit(int burst, int perSecond) {}

  /** A tap that cannot pay; thrown inside the transaction to roll it back. */
  private static final class Declined extends RuntimeException {
    final String reason;
    /** What the tap's audit row names: the card (null when unknown or another store's) and its counter. */
    final Card card;
    final Integer counter;

    Declined(String reason, Card card, Integer counter) {
      super(reason, null, false, false);
      this.reason = reason;
      this.card = card;
      this.counter = counter;
    }
  }

  /** A verified tap: the card and the counter it presented. */
  public record Verified(Card card, int counter) {}

  /**
   * Decrypts and authenticates p and c and finds the card, without consuming the counter (the
   * balance page reads with this). Fails with {@link TapDeclinedException} naming the reason.
   */
  public Future<Verified> verify(String p, String c, String client) {
    PiccData picc;
    try {
      picc = decrypt(p, client);
    } catch (TapDeclinedException e) {
      return Future.failedFuture(e);
    }
    return CardRepository.findByUid(pool, picc.uidHex()).map(card -> {
      authenticate(card, picc, c);
      return new Verified(card, picc.counter());
    });
  }

  /** The client's rate limit, then K1: the UID and counter p carries. */
  private PiccData decrypt(String p, String client) {
    if (client != null && !perClient.tryTake(client)) {
      throw new TapDeclinedException("rate-limited");
    }
    try {
      return issuer.decoder().decrypt(p);
    } catch (SunException e) {
      throw new TapDeclinedException("invalid-tap");
    }
  }

  /** The card p named exists, is under its rate limit, and c is its K2's MAC of this tap. */
  private void authenticate(Card card, PiccData picc, String c) {
    if (card == null) {
      throw new TapDeclinedException("unknown-card");
    }
    if (!perCard.tryTake(card.id())) {
      throw new TapDeclinedException("rate-limited", card);
    }
    try {
      issuer.decoder().verify(picc, issuer.keys(picc.uid(), card.version()).k2(), c);
    } catch (SunException e) {
      throw new TapDeclinedException("bad-signature", card);
    }
  }

  /** Pays {@code r.invoiceId()} with the tapped card; never fails for a decline, only for a broken database. */
  public Future<TapResult> pay(TapRequest r) {
    if (r.storeId() == null || r.invoiceId() == null) {
      return audit(r, null, null, null, "invoice-not-found");
    }
    PiccData picc;
    try {
      picc = decrypt(r.p(), r.client());
    } catch (TapDeclinedException d) {
      return audit(r, null, null, null, d.reason());
    }
    Card[] paidWith = {null};
    long[] amount = {0};
    return Transactions.run(pool, tx -> payInTx(tx, r, picc, paidWith, amount))
        .map(settled -> TapResult.settled(paidWith[0].id(), amount[0]))
        .recover(err -> err instanceof Declined d
            ? audit(r, d.card, d.counter, amount[0] == 0 ? null : amount[0], d.reason)
            : Future.failedFuture(err));
  }

  /**
   * Two round trips to PostgreSQL before COMMIT, each a pipeline of statements executed in order:
   * what the decision needs (the invoice locked, its payments, the card its UID names locked,
   * today's debits), then every write: the counter consumed, the payment, its events and the
   * invoice's new state, the audit row, the day's spending, the journal with its lines and the
   * balance moves. The card is read inside the transaction, in the first flight, not before it: one
   * round trip less, and the counter, enabled flag and limits checked are the locked row's. The
   * money moves last, so the card's ledger row is locked only from the move to the commit (a
   * store's credit is appended, not applied: its row is locked by no tap). A decline anywhere
   * rolls everything back (a forged tap consumes nothing).
   */
  private Future<Void> payInTx(SqlConnection tx, TapRequest r, PiccData picc, Card[] paidWith, long[] amountOut) {
    Instant now = clock.instant();
    Future<Invoice> locked = InvoiceRepository.lock(tx, r.invoiceId());
    Future<List<PaymentFact>> paid = InvoiceRepository.paymentFacts(tx, r.invoiceId());
    // the card's row lock: concurrent taps of a card are serialized from here
    Future<Card> lockedCard = CardRepository.lockByUid(tx, picc.uidHex());
    Future<Long> today = CardRepository.spentOnByUid(tx, picc.uidHex(), now);
    return Future.all(locked, paid, lockedCard, today).compose(x -> {
      Card card = lockedCard.result();
      int counter = picc.counter();
      try {
        authenticate(card, picc, r.c());
      } catch (TapDeclinedException d) {
        throw new Declined(d.reason(), d.card(), null);
      }
      if (!card.storeId().equals(r.storeId())) {
        throw new Declined("unknown-card", null, null); // another store's card: say no more
      }
      if (!card.enabled()) {
        throw new Declined("card-disabled", card, counter);
      }
      if (counter <= card.counter()) {
        throw new Declined("counter-replay", card, counter);
      }
      Invoice inv = locked.result();
      if (inv == null || !inv.storeId().equals(r.storeId())) {
        throw new Declined("invoice-not-found", card, counter);
      }
      if (inv.status() != InvoiceStatus.New || inv.isTopUp() || !now.isBefore(inv.expiresAt())) {
        throw new Declined("invoice-not-payable", card, counter);
      }
      long due = inv.dueSats() - InvoiceService.paidSats(paid.result());
      if (due <= 0) {
        throw new Declined("invoice-not-payable", card, counter);
      }
      amountOut[0] = due;
      if (due > card.limitPerTx()) {
        throw new Declined("over-transaction-limit", card, counter);
      }
      if (card.pinAbove() != null && due > card.pinAbove()) {
        if (r.pin() == null || r.pin().isEmpty()) {
          throw new Declined("pin-required", card, counter);
        }
        if (!CardPin.matches(card, r.pin())) {
          throw new Declined("wrong-pin", card, counter);
        }
      }
      if (Math.addExact(today.result(), due) > card.limitDaily()) {
        throw new Declined("over-daily-limit", card, counter);
      }
      paidWith[0] = card;
      return debit(tx, inv, paid.result(), card, counter, due, now, r.client());
    });
  }

  private Future<Void> debit(SqlConnection tx, Invoice inv, List<PaymentFact> paid, Card card, int counter, long due,
                             Instant now, String client) {
    String tapId = card.id() + ":" + counter;
    // under the row lock taken in the first flight, so it cannot miss; its guard stays all the same
    Future<Boolean> advanced = CardRepository.advanceCounter(tx, card.id(), counter);
    String details = new JsonObject().put("cardId", card.id()).put("counter", counter).encode();
    // The tap's payment and journal are new: their keys carry the counter, which only grows under
    // the card's row lock. So they, the events and the balance moves all go out in one flight.
    Future<Boolean> recorded = settlement.record(tx, inv, new Settlement.Before(paid, false),
        new DetectedPayment(PAYMENT_METHOD, tapId, inv.id(), due, PaymentFact.FINAL, now, card.id(), details));
    Future<Void> audited = CardRepository.insertTap(tx, inv.storeId(), card.id(), inv.id(), counter, due,
        TapResult.SETTLED, null, client, now);
    Future<Void> spent = CardRepository.addSpent(tx, card.id(), now, due);
    Future<Void> posted = Ledger.postNew(tx, Journal.transfer("card:" + tapId, PAYMENT_KIND, inv.id(),
            Accounts.card(card.id()), Accounts.store(inv.storeId()), due), now)
        .recover(err -> Future.failedFuture(err instanceof InsufficientFundsException
            ? new Declined("insufficient-balance", card, counter) : err));
    return Future.all(List.of(advanced, recorded, audited, spent, posted)).compose(x -> {
      if (!advanced.result()) {
        throw new Declined("counter-replay", card, counter);
      }
      return Future.succeededFuture();
    });
  }

  private Future<TapResult> audit(TapRequest r, Card card, Integer counter, Long amount, String reason) {
    String cardId = card == null ? null : card.id();
    return CardRepository.insertTap(pool, r.storeId() == null ? "" : r.storeId(), cardId, r.invoiceId(), counter,
            amount, TapResult.DECLINED, reason, r.client(), clock.instant())
        .map(v -> TapResult.declined(reason, cardId));
  }
}
