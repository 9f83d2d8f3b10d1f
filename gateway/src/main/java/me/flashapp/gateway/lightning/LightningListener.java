package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import me.flashapp.gateway.events.EventDispatcher;
import me.flashapp.gateway.settlement.Settlement;
import org.lightningj.lnd.proto.LightningApi.Invoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's SubscribeInvoices stream. Settled invoices become payments (exactly once, by payment
 * hash) through {@link LightningSettlements}, a burst of them in group commits. The add/settle index is
 * persisted (soon after the last settlement, at most once a second under load) as a watermark
 * below which everything is applied, so a reconnect or restart resumes
 * without skipping anything; on every (re)connect the open invoices are also looked up one by one,
 * because LND replays nothing for an index of 0 and a payment may land between our last event and
 * the new subscription.
 *
 * <p>Runs on one Vert.x context: the queue, the watermark and the stream state are touched only there.
 */
public final class LightningListener {
  private static final Logger LOG = LoggerFactory.getLogger(LightningListener.class);
  static final String ENSURE = "INSERT INTO lightning_streams (node, updated_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  static final String POSITION = "SELECT add_index, settle_index FROM lightning_streams WHERE node = $1";
  static final String ADVANCE = "UPDATE lightning_streams SET add_index = GREATEST(add_index, $2),"
      + " settle_index = GREATEST(settle_index, $3), updated_at = $4 WHERE node = $1";
  static final String SET_STATE = "UPDATE lightning_invoices SET state = $2 WHERE payment_hash = $1";
  /**
   * On every (re)connect, what the V17 trigger skipped: an LND invoice whose row a settlement held
   * when its gateway invoice left New stays 'open' if that settlement then rolled back (and a
   * failed settlement always ends in a reconnect). The one scan of the open invoices, per connect.
   */
  static final String MARK_CLOSING = "UPDATE lightning_invoices li SET state = 'closing' FROM invoices i"
      + " WHERE i.id = li.invoice_id AND li.node = $1 AND li.state = 'open' AND i.status <> 'New'";
  /** Invoices still payable on the node ('closing': being cancelled, see {@link #TO_CANCEL}). */
  static final String OPEN = "SELECT payment_hash, created_at FROM lightning_invoices WHERE node = $1 AND state = 'open'"
      + " UNION ALL SELECT payment_hash, created_at FROM lightning_invoices WHERE node = $1 AND state = 'closing'"
      + " ORDER BY created_at LIMIT 1000"; // each arm on its partial index
  /**
   * LND invoices whose gateway invoice can no longer be paid (expired, invalid, or paid otherwise):
   * marked 'closing' by the transaction in which the gateway invoice left New (schema V17).
   */
  static final String TO_CANCEL = "SELECT payment_hash FROM lightning_invoices WHERE node = $1 AND state = 'closing'"
      + " LIMIT 500";
  private static final long MAX_BACKOFF_MILLIS = 15_000;
  /** Connections of the request pool a burst of settlements leaves to everything else. */
  static final int POOL_CONNECTIONS_LEFT = 2;
  /** Settlement transactions in flight at once, at most (see {@link #applyQueued}). */
  static final int MAX_TRANSACTIONS_AT_ONCE = 2;
  /** Settlements one transaction applies, at most. */
  static final int MAX_BATCH = 32;
  /** How soon the position is persisted once no settlement is in flight. */
  static final long IDLE_FLUSH_MILLIS = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final LightningSettlements settlements;
  private final Clock clock;
  private final LndClient client;
  private final int transactionsAtOnce;
  private LndClient.Stream stream;
  private final ArrayDeque<LightningSettlements.Notification> queued = new ArrayDeque<>();
  /** Settle indexes received and not yet applied (queued or in flight). */
  private final TreeSet<Long> unapplied = new TreeSet<>();
  private long maxSettleSeen;
  /** Settlement transactions open; with {@link #waiting}, written on the context, read by {@link #status}. */
  private volatile int applying;
  /** Settlements queued, not yet in a transaction. */
  private volatile int waiting;
  /** Bumped when a stream ends: completions of its settlements no longer move the index. */
  private int streamGeneration;
  private long addIndex;
  private long settleIndex;
  private long backoffMillis = 250;
  private long retryTimer = -1;
  private long flushTimer = -1;
  private long idleFlushTimer = -1;
  /** The settle index last known to be persisted. */
  private long persistedSettleIndex;
  private boolean positionDirty;
  private boolean flushing;
  private boolean stopped;
  private volatile String state = "starting";
  private volatile String lastError;
  private volatile int connects;

  public LightningListener(Vertx vertx, Pool pool, Settlement settlement, Clock clock, LndClient client,
                           SettleLatency latency, EventDispatcher numbering, int transactionsAtOnce) {
    if (transactionsAtOnce < 1) {
      throw new IllegalArgumentException("transactionsAtOnce must be at least 1: " + transactionsAtOnce);
    }
    this.transactionsAtOnce = transactionsAtOnce;
    this.vertx = vertx;
    this.pool = pool;
    this.settlements = new LightningSettlements(pool, settlement, clock, latency, numbering, client.node());
    this.clock = clock;
    this.client = client;
  }

  /**
   * How many settlement transactions a listener keeps in flight with a request pool of
   * {@code poolSize}: {@link #MAX_TRANSACTIONS_AT_ONCE}, leaving the pool
   * {@link #POOL_CONNECTIONS_LEFT} (at least one).
   */
  static int transactionsAtOnce(int poolSize) {
    return Math.max(1, Math.min(MAX_TRANSACTIONS_AT_ONCE, poolSize - POOL_CONNECTIONS_LEFT));
  }

  /** Loads the persisted position and connects; connection failures are retried, never fatal. */
  public Future<Void> start() {
    return pool.preparedQuery(ENSURE).execute(Tuple.of(client.node(), now()))
        .compose(v -> pool.preparedQuery(POSITION).execute(Tuple.of(client.node())))
        .map(rows -> {
          Row r = rows.iterator().next();
          addIndex = r.getLong(0);
          settleIndex = r.getLong(1);
          persistedSettleIndex = settleIndex;
          flushTimer = vertx.setPeriodic(1000, id -> flushPosition());
          connect();
          return null;
        });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    state = "connecting";
    // GetInfo first: a wrong macaroon or certificate shows up here with a clear message.
    client.getInfo().onSuccess(info -> {
      if (stopped) {
        return;
      }
      LOG.info("LND {} ({}) reached; subscribing from add_index {} settle_index {}", client.node(),
          info.getAlias(), addIndex, settleIndex);
      stream = client.subscribeInvoices(addIndex, settleIndex, this::onInvoice, this::onEnd);
      state = "streaming";
      lastError = null;
      connects++;
      backoffMillis = 250;
      reconcile().onFailure(err -> LOG.warn("LND {}: reconcile failed: {}", client.node(), err.getMessage()));
    }).onFailure(this::onEnd);
  }

  private void onEnd(Throwable err) {
    if (stopped) {
      return;
    }
    stream = null;
    // the next subscription replays from the watermark; what is still queued comes again
    streamGeneration++;
    queued.clear();
    waiting = 0;
    unapplied.clear();
    maxSettleSeen = settleIndex;
    lastError = err == null ? "the node ended the stream" : err.getMessage();
    state = "disconnected";
    LOG.warn("LND {}: invoice stream down ({}); retrying in {} ms", client.node(), lastError, backoffMillis);
    retryTimer = vertx.setTimer(backoffMillis, id -> connect());
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
  }

  /**
   * Settlements are applied in group commits: while fewer than {@code transactionsAtOnce}
   * settlement transactions are open, the next one takes everything queued (up to
   * {@link #MAX_BATCH}). A quiet node applies each settlement at once in its own transaction; a
   * burst shares transactions, their round trips and their commits instead of queueing behind
   * them (each settlement is idempotent by payment hash, so a batch that fails is applied again
   * one settlement at a time, see {@link LightningSettlements#apply(List)}). The persisted settle index is a watermark:
   * the highest index at or below which every settlement is applied, so a restart or reconnect
   * replays from there and nothing is skipped (what was applied again is recorded once). Other
   * events (an invoice added or cancelled) record nothing and only move the add index. Both are
   * persisted by {@link #flushPosition}, never ahead of what is applied: {@link #IDLE_FLUSH_MILLIS}
   * after the last settlement in flight completed, and at most once a second under a burst.
   */
  private void onInvoice(Invoice inv) {
    long arrived = System.nanoTime();
    if (inv.getAddIndex() > addIndex) {
      addIndex = inv.getAddIndex();
      positionDirty = true;
    }
    if (inv.getState() != Invoice.InvoiceState.SETTLED) {
      return;
    }
    long index = inv.getSettleIndex();
    maxSettleSeen = Math.max(maxSettleSeen, index);
    unapplied.add(index);
    queued.add(new LightningSettlements.Notification(inv, arrived));
    waiting = queued.size();
    applyQueued();
  }

  private void applyQueued() {
    while (applying < transactionsAtOnce && !queued.isEmpty()) {
      List<LightningSettlements.Notification> batch = new ArrayList<>(Math.min(queued.size(), MAX_BATCH));
      while (batch.size() < MAX_BATCH && !queued.isEmpty()) {
        batch.add(queued.poll());
      }
      waiting = queued.size();
      int generation = streamGeneration;
      applying++;
      settlements.apply(batch).onComplete(ar -> {
        applying--;
        if (generation != streamGeneration) {
          applyQueued(); // from a stream since replaced: the new one replays it if need be
          return;
        }
        if (ar.failed()) {
          // The index stays below this one: it replays after the reconnect this forces.
          LOG.warn("LND {}: could not apply a settlement: {}", client.node(), ar.cause().toString());
          if (stream != null) {
            stream.cancel();
            onEnd(ar.cause());
          }
          return;
        }
        for (LightningSettlements.Notification n : batch) {
          unapplied.remove(n.inv().getSettleIndex());
        }
        long watermark = unapplied.isEmpty() ? maxSettleSeen : unapplied.first() - 1;
        if (watermark > settleIndex) {
          settleIndex = watermark;
          positionDirty = true;
        }
        applyQueued();
        if (applying == 0 && persistedSettleIndex == 0) {
          flushPosition(); // LND replays no settles for an index of 0: the first must not wait
        } else if (applying == 0 && idleFlushTimer < 0) {
          // idle: persist soon, but not at once: a commit of its own right behind each
          // settlement's would take its WAL flush beside the numbering pass's, on the path to
          // publication, for every payment of a node that is never busy. A stop in between only
          // means a few settlements replayed (no-ops) after the restart.
          idleFlushTimer = vertx.setTimer(IDLE_FLUSH_MILLIS, id -> {
            idleFlushTimer = -1;
            flushPosition();
          });
        }
      });
    }
  }

  /** Persists the in-memory position if events that recorded nothing moved it. */
  private void flushPosition() {
    if (!positionDirty || flushing) {
      return;
    }
    positionDirty = false;
    flushing = true;
    long settle = settleIndex;
    pool.preparedQuery(ADVANCE).execute(Tuple.of(client.node(), addIndex, settle, now()))
        .onComplete(ar -> {
          flushing = false;
          if (ar.failed()) {
            positionDirty = true; // try again next time; a lost flush only means a longer replay
          } else {
            persistedSettleIndex = Math.max(persistedSettleIndex, settle);
          }
        });
  }

  /** Records a settled LND invoice as a payment toward its gateway invoice (no-op if not ours or already recorded). */
  Future<Void> settled(Invoice inv) {
    return settlements.apply(new LightningSettlements.Notification(inv, null));
  }

  /** Looks up every open LND invoice of this node and applies what changed while we were not listening. */
  Future<Void> reconcile() {
    return pool.preparedQuery(MARK_CLOSING).execute(Tuple.of(client.node()))
        .compose(marked -> pool.preparedQuery(OPEN).execute(Tuple.of(client.node()))).compose(rows -> {
      List<String> hashes = new ArrayList<>();
      rows.forEach(r -> hashes.add(r.getString(0)));
      Future<Void> chain = Future.succeededFuture();
      for (String h : hashes) {
        chain = chain.compose(v -> client.lookupInvoice(HexFormat.of().parseHex(h)).compose(inv -> switch (inv.getState()) {
          case SETTLED -> settled(inv);
          case CANCELED -> pool.preparedQuery(SET_STATE).execute(Tuple.of(h, "canceled")).<Void>mapEmpty();
          default -> Future.<Void>succeededFuture();
        }));
      }
      return chain;
    });
  }

  /**
   * Cancels on the node the open invoices of gateway invoices that left New (expired, invalid,
   * paid another way), so they cannot be paid late. One that was settled meanwhile is recorded
   * instead (PaidLate), never lost. Completes with how many were cancelled.
   */
  public Future<Integer> cancelUnpayable() {
    return pool.preparedQuery(TO_CANCEL).execute(Tuple.of(client.node())).compose(rows -> {
      List<String> hashes = new ArrayList<>();
      rows.forEach(r -> hashes.add(r.getString(0)));
      Future<Integer> chain = Future.succeededFuture(0);
      for (String h : hashes) {
        byte[] hash = HexFormat.of().parseHex(h);
        chain = chain.compose(n -> client.cancelInvoice(hash)
            .compose(v -> pool.preparedQuery(SET_STATE).execute(Tuple.of(h, "canceled")).map(n + 1))
            .recover(err -> client.lookupInvoice(hash).compose(inv -> inv.getState() == Invoice.InvoiceState.SETTLED
                ? settled(inv).map(n) : Future.failedFuture(err))));
      }
      return chain;
    });
  }

  /**
   * Health: node, stream state, last persisted settle index, settlements waiting for a
   * transaction and settlement transactions open, last error.
   */
  public JsonObject status() {
    return new JsonObject().put("node", client.node()).put("stream", state).put("addIndex", addIndex)
        .put("settleIndex", settleIndex).put("queued", waiting).put("applying", applying).put("connects", connects)
        .put("error", lastError);
  }

  public boolean streaming() {
    return "streaming".equals(state);
  }

  public LndClient client() {
    return client;
  }

  public void stop() {
    stopped = true;
    state = "stopped";
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
    }
    if (idleFlushTimer >= 0) {
      vertx.cancelTimer(idleFlushTimer);
    }
    if (stream != null) {
      stream.cancel();
    }
  }

  private java.time.OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }
}
