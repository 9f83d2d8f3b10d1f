package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.lightningj.lnd.proto.LightningApi.Payment;
import org.lightningj.lnd.router.proto.RouterOuterClass.SendPaymentRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays BOLT11 invoices from the internal node (routerrpc SendPaymentV2), exactly once per payout
 * id: the row is written before LND is asked, a payout id already present returns its row instead
 * of paying again, and a payment hash can belong to one payout only. Payouts left pending or
 * in flight by a restart are followed with TrackPaymentV2 (or sent, if LND never saw them).
 */
public final class Payouts {
  private static final Logger LOG = LoggerFactory.getLogger(Payouts.class);
  /** Fee limit floor: a tiny payout still affords the usual 1 sat base fee of a route. */
  static final long MIN_FEE_LIMIT_MSAT = 10_000;
  static final String COLUMNS = "id, payment_request, payment_hash, amount_msat, fee_limit_msat, status, preimage,"
      + " fee_msat, failure_reason";
  static final String INSERT = "INSERT INTO lightning_payouts (id, payment_request, payment_hash, amount_msat,"
      + " fee_limit_msat, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)"
      + " ON CONFLICT (id) DO NOTHING";
  static final String FIND = "SELECT " + COLUMNS + " FROM lightning_payouts WHERE id = $1";
  static final String UNFINISHED = "SELECT " + COLUMNS + " FROM lightning_payouts WHERE status IN ('pending', 'in-flight')";
  static final String UPDATE = "UPDATE lightning_payouts SET status = $2, preimage = $3, fee_msat = $4,"
      + " failure_reason = $5, updated_at = $6 WHERE id = $1 AND status IN ('pending', 'in-flight')";

  /** A payout as recorded; {@code status} is pending, in-flight, succeeded or failed. */
  public record Payout(String id, String paymentRequest, String paymentHash, long amountMsat, long feeLimitMsat,
                       String status, String preimage, Long feeMsat, String failureReason) {
    public boolean isFinal() {
      return "succeeded".equals(status) || "failed".equals(status);
    }
  }

  private final Pool pool;
  private final LndClient node;
  private final Clock clock;
  private final long maxFeePpm;
  private final int timeoutSeconds;
  private final Map<String, Promise<Payout>> waiting = new ConcurrentHashMap<>();
  private final Map<String, LndClient.Stream> streams = new ConcurrentHashMap<>();

  public Payouts(Pool pool, LndClient node, Clock clock, long maxFeePpm, int timeoutSeconds) {
    this.pool = pool;
    this.node = node;
    this.clock = clock;
    this.maxFeePpm = maxFeePpm;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Pays {@code paymentRequest} once for {@code payoutId}; completes with the final result
   * (succeeded with preimage and fee, or failed with a reason). Calling again with the same id
   * never pays twice: it returns the recorded payout, waiting for it if it is still in flight.
   *
   * @throws Bolt11Exception (as a failed future) for an invalid or amountless invoice
   */
  public Future<Payout> pay(String payoutId, String paymentRequest) {
    Bolt11Invoice bolt11;
    try {
      bolt11 = Bolt11.decode(paymentRequest);
      if (bolt11.amountMsat().isEmpty()) {
        throw new Bolt11Exception("a payout needs an invoice with an amount");
      }
    } catch (Bolt11Exception e) {
      return Future.failedFuture(e);
    }
    long amount = bolt11.amountMsat().getAsLong();
    long feeLimit = Math.max(MIN_FEE_LIMIT_MSAT, Math.multiplyExact(amount, maxFeePpm) / 1_000_000);
    return pool.preparedQuery(INSERT).execute(Tuple.of(payoutId, bolt11.paymentRequest(), bolt11.paymentHashHex(),
            amount, feeLimit, clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rs -> find(payoutId).compose(p -> {
          if (!p.paymentRequest().equals(bolt11.paymentRequest())) {
            return Future.failedFuture(new IllegalArgumentException("payout " + payoutId + " already pays another invoice"));
          }
          if (p.isFinal()) {
            return Future.succeededFuture(p);
          }
          Promise<Payout> result = waiting.computeIfAbsent(payoutId, id -> Promise.promise());
          if (rs.rowCount() == 1) {
            send(p);
          }
          return result.future();
        }));
  }

  public Future<Payout> find(String payoutId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(payoutId))
        .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
  }

  /** Follows every payout a previous run left unfinished. */
  public Future<Void> resume() {
    return pool.preparedQuery(UNFINISHED).execute().map(rows -> {
      for (Row r : rows) {
        Payout p = map(r);
        LOG.info("payout {}: resuming ({})", p.id(), p.status());
        track(p);
      }
      return null;
    });
  }

  private void send(Payout p) {
    var req = SendPaymentRequest.newBuilder().setPaymentRequest(p.paymentRequest()).setFeeLimitMsat(p.feeLimitMsat())
        .setTimeoutSeconds(timeoutSeconds).build();
    streams.put(p.id(), node.sendPayment(req, update -> onUpdate(p, update), err -> onStreamEnd(p, err)));
  }

  private void track(Payout p) {
    streams.put(p.id(), node.trackPayment(HexFormat.of().parseHex(p.paymentHash()), update -> onUpdate(p, update),
        err -> {
          if (err instanceof LndException e && e.code() == io.grpc.Status.Code.NOT_FOUND && "pending".equals(p.status())) {
            // The previous run stopped before LND accepted the payment: sending now is the first attempt.
            send(p);
          } else {
            onStreamEnd(p, err);
          }
        }));
  }

  private void onUpdate(Payout p, Payment update) {
    switch (update.getStatus()) {
      case IN_FLIGHT -> record(p, "in-flight", null, null, null);
      case SUCCEEDED -> record(p, "succeeded", update.getPaymentPreimage(), update.getFeeMsat(), null);
      case FAILED -> record(p, "failed", null, null, update.getFailureReason().name());
      default -> { }
    }
  }

  private void onStreamEnd(Payout p, Throwable err) {
    streams.remove(p.id());
    if (err == null) {
      return;
    }
    if (err instanceof LndException e && e.code() == io.grpc.Status.Code.ALREADY_EXISTS) {
      // LND already has this payment (a retry after a crash): follow it instead.
      track(p);
      return;
    }
    if (err instanceof LndException e && (e.code() == io.grpc.Status.Code.INVALID_ARGUMENT
        || e.code() == io.grpc.Status.Code.UNKNOWN)) {
      record(p, "failed", null, null, err.getMessage());
      return;
    }
    // The node is unreachable or the stream broke: the outcome is unknown, so the payout stays in
    // flight and the next start (or the caller) tracks it; never pay again blindly.
    LOG.warn("payout {}: lost track of the payment: {}", p.id(), err.getMessage());
  }

  private void record(Payout p, String status, String preimage, Long feeMsat, String reason) {
    pool.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {p.id(), status, preimage, feeMsat, reason,
            clock.instant().atOffset(ZoneOffset.UTC)}))
        .compose(rs -> find(p.id()))
        .onSuccess(done -> {
          if (done.isFinal()) {
            LOG.info("payout {}: {}", p.id(), done.status());
            Promise<Payout> w = waiting.remove(p.id());
            if (w != null) {
              w.tryComplete(done);
            }
          }
        })
        .onFailure(err -> LOG.warn("payout {}: could not record {}: {}", p.id(), status, err.toString()));
  }

  public void stop() {
    streams.values().forEach(LndClient.Stream::cancel);
    streams.clear();
  }

  private static Payout map(Row r) {
    return new Payout(r.getString("id"), r.getString("payment_request"), r.getString("payment_hash"),
        r.getLong("amount_msat"), r.getLong("fee_limit_msat"), r.getString("status"), r.getString("preimage"),
        r.getLong("fee_msat"), r.getString("failure_reason"));
  }
}
