package me.flashapp.gateway.payout;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays a store's ledger balance (what card payments brought in) out to its configured Lightning
 * destination (an LNURL-pay or Lightning address that issues a BOLT11 for the amount), as a
 * payout through {@link PullPayments#payNow}: {@code store → payouts-in-flight}, then out, or back
 * to the store on failure. On request, and periodically for stores whose balance reached their
 * threshold.
 */
public final class MerchantSettlements {
  private static final Logger LOG = LoggerFactory.getLogger(MerchantSettlements.class);
  static final String UPSERT = "INSERT INTO store_settlement_configs (store_id, destination, threshold_sats, updated_at)"
      + " VALUES ($1, $2, $3, $4) ON CONFLICT (store_id) DO UPDATE SET destination = EXCLUDED.destination,"
      + " threshold_sats = EXCLUDED.threshold_sats, updated_at = EXCLUDED.updated_at";
  static final String FIND = "SELECT store_id, destination, threshold_sats FROM store_settlement_configs WHERE store_id = $1";
  static final String DUE = "SELECT c.store_id, c.destination, c.threshold_sats FROM store_settlement_configs c"
      + " JOIN ledger_accounts a ON a.account = 'store:' || c.store_id"
      + " WHERE c.threshold_sats IS NOT NULL AND a.balance"
      + " + COALESCE((SELECT SUM(u.amount_sats) FROM ledger_unapplied u WHERE u.account = a.account), 0)"
      + " >= c.threshold_sats ORDER BY c.updated_at, c.store_id";

  /** A store's settlement destination; {@code thresholdSats} null = only on request. */
  public record Config(String storeId, String destination, Long thresholdSats) {}

  private final Pool pool;
  private final PullPayments payouts;
  private final Clock clock;
  private boolean running;

  public MerchantSettlements(Pool pool, PullPayments payouts, Clock clock) {
    this.pool = pool;
    this.payouts = payouts;
    this.clock = clock;
  }

  public Future<Config> put(Config c) {
    return pool.preparedQuery(UPSERT).execute(Tuple.of(c.storeId(), c.destination(), c.thresholdSats(),
        clock.instant().atOffset(ZoneOffset.UTC))).map(c);
  }

  /** The store's configuration, or null. */
  public Future<Config> get(String storeId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(storeId))
        .map(rows -> rows.size() == 0 ? null : config(rows.iterator().next()));
  }

  /**
   * Pays out the store's whole balance now; null when there is nothing to pay. Fails with
   * {@link IllegalStateException} when the store has no destination configured.
   */
  public Future<PullPayments.Payout> settle(String storeId) {
    return get(storeId).compose(c -> {
      if (c == null) {
        return Future.failedFuture(new IllegalStateException("no settlement destination configured"));
      }
      return Ledger.balance(pool, Accounts.store(storeId)).compose(balance -> balance <= 0
          ? Future.succeededFuture(null) : payouts.payNow(storeId, c.destination(), balance));
    });
  }

  /**
   * Settles every store whose balance reached its threshold, one after another (oldest
   * configuration first); a store that fails is logged and the pass goes on with the next. One
   * pass at a time on this node.
   */
  public Future<Void> settleDue() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    return pool.preparedQuery(DUE).execute().compose(rows -> {
      List<String> due = new ArrayList<>();
      rows.forEach(r -> due.add(r.getString("store_id")));
      Promise<Void> done = Promise.promise();
      settleEach(due.iterator(), done);
      return done.future();
    }).onComplete(ar -> running = false);
  }

  // Each store starts from the previous one's completion handler rather than from a chain of
  // composed futures built up front, whose depth would grow with the number of stores due.
  private void settleEach(Iterator<String> stores, Promise<Void> done) {
    if (!stores.hasNext()) {
      done.complete();
      return;
    }
    String storeId = stores.next();
    Future<PullPayments.Payout> settled;
    try {
      settled = settle(storeId);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e);
    }
    settled.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("settlement of store {} failed: {}", storeId, ar.cause().getMessage());
      }
      settleEach(stores, done);
    });
  }

  /** Runs {@link #settleDue} every {@code millis}; returns the timer id. */
  public long schedule(Vertx vertx, long millis) {
    return vertx.setPeriodic(millis, id -> settleDue()
        .onFailure(err -> LOG.warn("settlement pass failed: {}", err.toString())));
  }

  private static Config config(Row r) {
    return new Config(r.getString("store_id"), r.getString("destination"), r.getLong("threshold_sats"));
  }
}
