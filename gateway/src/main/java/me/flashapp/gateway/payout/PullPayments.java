package me.flashapp.gateway.payout;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.card.CardPayouts;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.InsufficientFundsException;
import me.flashapp.gateway.ledger.Journal;
import me.flashapp.gateway.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull payments (a store's budget handed out as payouts: POS rewards, refunds) and payouts.
 *
 * <p>Money: a payout is funded from the store's ledger account (what card payments brought in),
 * so the ledger stays backed by money it holds. A payout to one of our cards moves
 * {@code store → card} in one transaction (no Lightning hop); a Lightning payout moves
 * {@code store → payouts-in-flight}, is paid through {@link CardPayouts} under the payout id, then
 * {@code payouts-in-flight → external} on success or back to the store on failure (the payout is
 * then Cancelled and its amount available to the pull payment again). Every journal is keyed by
 * the payout id, so nothing is booked twice.
 */
public final class PullPayments {
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String AWAITING_PAYMENT = "AwaitingPayment";
  public static final String IN_PROGRESS = "InProgress";
  public static final String COMPLETED = "Completed";
  public static final String CANCELLED = "Cancelled";
  private static final Logger LOG = LoggerFactory.getLogger(PullPayments.class);

  static final String PP_COLUMNS = "id, store_id, name, amount_sats, currency, auto_approve, archived, created_at";
  static final String INSERT_PP = "INSERT INTO pull_payments (" + PP_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6,"
      + " FALSE, $7)";
  static final String FIND_PP = "SELECT " + PP_COLUMNS + " FROM pull_payments WHERE id = $1";
  static final String LOCK_PP = FIND_PP + " FOR UPDATE";
  static final String LIST_PP = "SELECT " + PP_COLUMNS + " FROM pull_payments WHERE store_id = $1 ORDER BY created_at, id";
  static final String CLAIMED = "SELECT COALESCE(SUM(amount_sats), 0) FROM payouts WHERE pull_payment_id = $1"
      + " AND state <> 'Cancelled'";
  static final String P_COLUMNS = "id, store_id, pull_payment_id, destination, amount_sats, state, kind, card_id,"
      + " payment_request, failure_reason, created_at";
  static final String INSERT_P = "INSERT INTO payouts (" + P_COLUMNS + ", updated_at) VALUES ($1, $2, $3, $4, $5, $6,"
      + " $7, $8, $9, NULL, $10, $10)";
  static final String FIND_P = "SELECT " + P_COLUMNS + " FROM payouts WHERE id = $1";
  static final String LIST_P = "SELECT " + P_COLUMNS + " FROM payouts WHERE pull_payment_id = $1 ORDER BY created_at, id";
  static final String MOVE = "UPDATE payouts SET state = $3, failure_reason = $4, updated_at = $5"
      + " WHERE id = $1 AND state = $2";
  static final String IN_PROGRESS_P = "SELECT " + P_COLUMNS + " FROM payouts WHERE state = 'InProgress'";

  /** A pull payment as stored; amounts in sats. */
  public record PullPayment(String id, String storeId, String name, long amountSats, String currency,
                            boolean autoApprove, boolean archived, Instant createdAt) {}

  /** A payout as stored; {@code kind} is lightning or card. */
  public record Payout(String id, String storeId, String pullPaymentId, String destination, long amountSats,
                       String state, String kind, String cardId, String paymentRequest, String failureReason,
                       Instant createdAt) {}

  /** A claim would take the pull payment past its amount. */
  public static final class LimitExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(long remaining) {
      super("the pull payment has " + remaining + " sats left", null, false, false);
    }
  }

  private final Pool pool;
  private final PayoutDestinations destinations;
  private final CardPayouts lightning;
  private final Clock clock;

  public PullPayments(Pool pool, PayoutDestinations destinations, CardPayouts lightning, Clock clock) {
    this.pool = pool;
    this.destinations = destinations;
    this.lightning = lightning;
    this.clock = clock;
  }

  public Future<PullPayment> create(String storeId, String name, long amountSats, String currency, boolean autoApprove) {
    PullPayment pp = new PullPayment(Ids.random(22), storeId, name, amountSats, currency, autoApprove, false,
        clock.instant());
    return pool.preparedQuery(INSERT_PP).execute(Tuple.from(new Object[] {pp.id(), storeId, name, amountSats, currency,
        autoApprove, utc(pp.createdAt())})).map(pp);
  }

  public Future<List<PullPayment>> list(String storeId) {
    return pool.preparedQuery(LIST_PP).execute(Tuple.of(storeId)).map(rows -> {
      List<PullPayment> out = new ArrayList<>();
      rows.forEach(r -> out.add(pullPayment(r)));
      return out;
    });
  }

  /** The pull payment, or null. */
  public Future<PullPayment> find(String id) {
    return pool.preparedQuery(FIND_PP).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : pullPayment(rows.iterator().next()));
  }

  public Future<List<Payout>> payouts(String pullPaymentId) {
    return pool.preparedQuery(LIST_P).execute(Tuple.of(pullPaymentId)).map(rows -> {
      List<Payout> out = new ArrayList<>();
      rows.forEach(r -> out.add(payout(r)));
      return out;
    });
  }

  /** The payout, or null. */
  public Future<Payout> payout(String id) {
    return findPayout(pool, id);
  }

  /**
   * Claims a payout of {@code sats} to {@code destination} (resolved first: a destination that
   * cannot be paid writes nothing). Fails with {@link LimitExceededException} past the pull
   * payment's amount. Auto-approved pull payments pay at once; the payout is returned as it is
   * once paid (or failed), or awaiting approval.
   */
  public Future<Payout> claim(PullPayment pp, String destination, long sats) {
    return destinations.resolve(destination, sats).compose(resolved -> Transactions.run(pool, tx ->
        tx.preparedQuery(LOCK_PP).execute(Tuple.of(pp.id()))
            .compose(locked -> tx.preparedQuery(CLAIMED).execute(Tuple.of(pp.id())))
            .compose(rows -> {
              long claimed = rows.iterator().next().getLong(0);
              if (Math.addExact(claimed, sats) > pp.amountSats()) {
                throw new LimitExceededException(pp.amountSats() - claimed);
              }
              return insert(tx, pp.storeId(), pp.id(), destination, sats, resolved,
                  pp.autoApprove() ? AWAITING_PAYMENT : AWAITING_APPROVAL);
            })))
        .compose(p -> AWAITING_PAYMENT.equals(p.state()) ? pay(p) : Future.succeededFuture(p));
  }

  /**
   * A payout of {@code sats} from the store's balance that is not part of a pull payment (merchant
   * settlement), paid at once; null, with nothing written, when the balance no longer holds
   * {@code sats} (a concurrent settlement of the store took it).
   *
   * <p>Why this is safe under concurrency: the payout row and the debit of the store's account
   * commit in one transaction, and the debit is the ledger's conditional update, which PostgreSQL
   * applies under the account row's lock to the latest committed balance. So concurrent settlements
   * of one store (HTTP requests, the periodic pass, other nodes) queue on that row; the first takes
   * the balance, the others find too little, roll back their payout with their debit and answer
   * null. A payout therefore exists only when its money left the store, and it is never left
   * orphaned AwaitingPayment. (A lock taken before the destination is resolved would hold a
   * connection, or the store's account, across an HTTP call to the merchant's wallet; the
   * row lock is held only for the few statements of the transaction.)
   */
  public Future<Payout> payNow(String storeId, String destination, long sats) {
    return destinations.resolve(destination, sats)
        .compose(resolved -> Transactions.run(pool, tx -> insert(tx, storeId, null, destination, sats, resolved,
            AWAITING_PAYMENT).compose(p -> book(tx, p, clock.instant()).map(p))))
        .compose(this::afterBooking, err -> err instanceof InsufficientFundsException
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private Future<Payout> insert(SqlConnection tx, String storeId, String ppId, String destination, long sats,
                                PayoutDestinations.Resolved r, String state) {
    Payout p = new Payout(Ids.random(22), storeId, ppId, destination, sats, state, r.card() != null ? "card" : "lightning",
        r.card() == null ? null : r.card().id(), r.bolt11(), null, clock.instant());
    return tx.preparedQuery(INSERT_P).execute(Tuple.from(new Object[] {p.id(), storeId, ppId, destination, sats, state,
        p.kind(), p.cardId(), p.paymentRequest(), utc(p.createdAt())})).map(p);
  }

  /** Approves a payout awaiting approval and pays it; null if it is not the store's or not awaiting approval. */
  public Future<Payout> approve(String storeId, String payoutId) {
    return transition(storeId, payoutId, AWAITING_APPROVAL, AWAITING_PAYMENT).compose(p -> p == null
        ? Future.succeededFuture(null) : pay(p));
  }

  /** Marks a payout paid by other means (no money moves here); null if it cannot be. */
  public Future<Payout> markPaid(String storeId, String payoutId) {
    return transition(storeId, payoutId, AWAITING_APPROVAL, COMPLETED).compose(p -> p != null
        ? Future.succeededFuture(p) : transition(storeId, payoutId, AWAITING_PAYMENT, COMPLETED));
  }

  private Future<Payout> transition(String storeId, String payoutId, String from, String to) {
    return Transactions.run(pool, tx -> findPayout(tx, payoutId).compose(p -> p == null || !p.storeId().equals(storeId)
        ? Future.succeededFuture(null)
        : tx.preparedQuery(MOVE).execute(Tuple.of(payoutId, from, to, null, utc(clock.instant())))
            .compose(rs -> rs.rowCount() == 1 ? findPayout(tx, payoutId) : Future.succeededFuture(null))));
  }

  /**
   * Pays an approved payout from the store's balance. A store balance too low leaves the payout
   * AwaitingPayment with the reason; it is paid on a later approval or settlement run.
   */
  Future<Payout> pay(Payout p) {
    Instant now = clock.instant();
    return Transactions.run(pool, tx -> book(tx, p, now))
        .recover(err -> err instanceof InsufficientFundsException
            ? pool.preparedQuery(MOVE).execute(Tuple.of(p.id(), AWAITING_PAYMENT, AWAITING_PAYMENT,
                "insufficient-store-balance", utc(now))).map(false)
            : Future.failedFuture(err))
        .compose(moved -> afterBooking(p));
  }

  /**
   * In the caller's transaction: moves an AwaitingPayment payout on (a card payout is then
   * Completed, a Lightning one InProgress) and debits the store for it. False if the payout was not
   * awaiting payment; fails with {@link InsufficientFundsException} if the store's balance is too
   * low (the caller's transaction must roll back).
   */
  private Future<Boolean> book(SqlConnection tx, Payout p, Instant now) {
    boolean card = "card".equals(p.kind());
    String to = card ? Accounts.card(p.cardId()) : Accounts.PAYOUTS_IN_FLIGHT;
    return tx.preparedQuery(MOVE).execute(Tuple.of(p.id(), AWAITING_PAYMENT, card ? COMPLETED : IN_PROGRESS, null,
            utc(now)))
        .compose(rs -> rs.rowCount() != 1 ? Future.succeededFuture(false)
            : Ledger.post(tx, Journal.transfer("payout:" + p.id(), card ? "payout-card" : "payout", null,
                Accounts.store(p.storeId()), to, p.amountSats()), now));
  }

  /** The payout as booked; a Lightning payout now InProgress is sent and returned as it ends. */
  private Future<Payout> afterBooking(Payout p) {
    return findPayout(pool, p.id()).compose(now -> IN_PROGRESS.equals(now.state()) && !"card".equals(now.kind())
        ? send(now) : Future.succeededFuture(now));
  }

  private Future<Payout> send(Payout p) {
    return lightning.pay(p.paymentRequest(), 0, "payout:" + p.id()).compose(result -> {
      boolean ok = result.outcome() == CardPayouts.Outcome.SUCCEEDED;
      Instant now = clock.instant();
      return Transactions.run(pool, tx -> tx.preparedQuery(MOVE).execute(Tuple.of(p.id(), IN_PROGRESS,
              ok ? COMPLETED : CANCELLED, ok ? null : result.failureReason(), utc(now)))
          .compose(rs -> Ledger.post(tx, ok
              ? Journal.transfer("payout-paid:" + p.id(), "payout-paid", null, Accounts.PAYOUTS_IN_FLIGHT,
                  Accounts.EXTERNAL, p.amountSats())
              : Journal.transfer("payout-refund:" + p.id(), "payout-refund", null, Accounts.PAYOUTS_IN_FLIGHT,
                  Accounts.store(p.storeId()), p.amountSats()), now))
          .compose(v -> result.feeSats() > 0 && ok
              ? Ledger.post(tx, Journal.transfer("payout-fee:" + p.id(), "routing-fee", null, Accounts.FEES,
                  Accounts.EXTERNAL, result.feeSats()), now)
              : Future.succeededFuture(true)));
    }).onFailure(err -> LOG.warn("payout {}: outcome not booked: {}", p.id(), err.toString()))
        .compose(v -> findPayout(pool, p.id()));
  }

  /** Follows Lightning payouts a previous run left in progress (the payouts service never pays twice). */
  public Future<Void> resume() {
    return pool.preparedQuery(IN_PROGRESS_P).execute().map(rows -> {
      rows.forEach(r -> send(payout(r)));
      return null;
    });
  }

  private static Future<Payout> findPayout(SqlClient db, String id) {
    return db.preparedQuery(FIND_P).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : payout(rows.iterator().next()));
  }

  private static PullPayment pullPayment(Row r) {
    return new PullPayment(r.getString("id"), r.getString("store_id"), r.getString("name"), r.getLong("amount_sats"),
        r.getString("currency"), r.getBoolean("auto_approve"), r.getBoolean("archived"),
        r.getOffsetDateTime("created_at").toInstant());
  }

  private static Payout payout(Row r) {
    return new Payout(r.getString("id"), r.getString("store_id"), r.getString("pull_payment_id"),
        r.getString("destination"), r.getLong("amount_sats"), r.getString("state"), r.getString("kind"),
        r.getString("card_id"), r.getString("payment_request"), r.getString("failure_reason"),
        r.getOffsetDateTime("created_at").toInstant());
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
