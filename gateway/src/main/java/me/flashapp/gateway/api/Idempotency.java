package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import me.flashapp.gateway.db.Transactions;

/**
 * {@code Idempotency-Key} on POSTs: the same key with the same request returns the first response
 * and creates nothing new; the same key with a different request is a 422.
 *
 * <p>The key row is inserted in the same transaction as the work it guards. A concurrent retry
 * blocks on the unique key until the first commits (then replays its response) or rolls back (then
 * does the work itself): exactly one object, whatever the timing. A failed request stores nothing,
 * so it may be retried with the same key.
 */
public final class Idempotency {
  static final String CLAIM = "INSERT INTO idempotency_keys (owner_hash, idem_key, request_hash, created_at)"
      + " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
  static final String RECORD = "UPDATE idempotency_keys SET status_code = $3, response_body = $4"
      + " WHERE owner_hash = $1 AND idem_key = $2";
  static final String FIND = "SELECT request_hash, status_code, response_body FROM idempotency_keys"
      + " WHERE owner_hash = $1 AND idem_key = $2";

  static final String PURGE = "DELETE FROM idempotency_keys WHERE created_at < $1";
  /** How long a key is remembered; a retry after that creates a new object (Stripe keeps 24 h too). */
  public static final java.time.Duration RETENTION = java.time.Duration.ofHours(24);

  private final Pool pool;
  private final Clock clock;

  public Idempotency(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Whether the request carries an Idempotency-Key (valid or not: {@link #run} judges it). */
  public static boolean requested(RoutingContext ctx) {
    return ctx.request().getHeader("Idempotency-Key") != null;
  }

  /** Runs {@code work} in a transaction, guarded by the request's Idempotency-Key if it has one. */
  public Future<Reply> run(RoutingContext ctx, Function<SqlConnection, Future<Reply>> work) {
    return run(ctx, () -> Future.succeededFuture(null), (tx, nothing) -> work.apply(tx));
  }

  /**
   * As {@link #run(RoutingContext, Function)}, with a step that must happen before the transaction
   * (preparing an invoice's payment methods asks a node for an invoice and takes an address index).
   * A retry whose key already holds an answer is replayed before that step runs, so it costs no
   * node invoice and burns no address index (which would widen the wallet's gap). Two first tries
   * racing each other may both prepare; one creates, the other replays.
   */
  public <T> Future<Reply> run(RoutingContext ctx, Supplier<Future<T>> before,
                               BiFunction<SqlConnection, T, Future<Reply>> work) {
    String idemKey = ctx.request().getHeader("Idempotency-Key");
    if (idemKey == null) {
      return before.get().compose(prepared -> Transactions.run(pool, tx -> work.apply(tx, prepared)));
    }
    if (idemKey.isBlank() || idemKey.length() > 255) {
      return Future.failedFuture(ApiException.badRequest("invalid-idempotency-key",
          "Idempotency-Key must be 1 to 255 characters"));
    }
    byte[] owner = Auth.key(ctx).keyHash();
    byte[] requestHash = requestHash(ctx);
    return pool.preparedQuery(FIND).execute(Tuple.of(owner, idemKey)).compose(seen -> seen.size() > 0
        ? replay(pool, owner, idemKey, requestHash)
        : before.get().compose(prepared -> Transactions.run(pool, conn -> conn.preparedQuery(CLAIM)
            .execute(Tuple.of(owner, idemKey, requestHash, clock.instant().atOffset(ZoneOffset.UTC)))
            .compose(claimed -> claimed.rowCount() == 1
                ? work.apply(conn, prepared).compose(reply -> conn.preparedQuery(RECORD)
                    .execute(Tuple.of(owner, idemKey, reply.status(), reply.json()))
                    .map(reply))
                : replay(conn, owner, idemKey, requestHash)))));
  }

  /** Forgets keys older than {@link #RETENTION}; returns how many. */
  public Future<Integer> purgeExpired() {
    return pool.preparedQuery(PURGE).execute(Tuple.of(clock.instant().minus(RETENTION).atOffset(ZoneOffset.UTC)))
        .map(rs -> rs.rowCount());
  }

  private static Future<Reply> replay(SqlClient conn, byte[] owner, String idemKey, byte[] requestHash) {
    return conn.preparedQuery(FIND).execute(Tuple.of(owner, idemKey)).map(rows -> {
      var row = rows.iterator().next();
      if (!Arrays.equals(row.getBuffer("request_hash").getBytes(), requestHash)) {
        throw ValidationException.of("Idempotency-Key",
            "This Idempotency-Key was already used with a different request");
      }
      return new Reply(row.getInteger("status_code"), row.getString("response_body"));
    });
  }

  private static byte[] requestHash(RoutingContext ctx) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((ctx.request().method().name() + " " + ctx.request().path() + "\n").getBytes(StandardCharsets.UTF_8));
      if (ctx.body().buffer() != null) {
        md.update(ctx.body().buffer().getBytes());
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
