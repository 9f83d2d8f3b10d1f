package me.flashapp.gateway.webhook;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import me.flashapp.gateway.async.Deadlines;
import me.flashapp.gateway.events.Passes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends pending webhook deliveries: in order per webhook (the oldest pending delivery of a webhook
 * must succeed or fail for good before the next is sent), signed with {@code BTCPay-Sig}, retried
 * on 5xx, 408, 429 or no answer according to the configured schedule. Pending rows are the queue,
 * so a restart resumes where it stopped. Runs on one context; HTTP goes through the non-blocking
 * WebClient with connect and response timeouts.
 *
 * <p>Several nodes may run a sender against one database: a delivery is claimed (a lease, schema
 * V11) before it is sent, and the claim succeeds only if the row is still exactly as this node read
 * it (pending, unleased, same attempt count), so one node sends each attempt. A webhook whose
 * oldest pending delivery is leased is skipped altogether, which keeps deliveries in order across
 * nodes. A node that dies mid-send holds the lease until it expires; then another node sends.
 */
public final class WebhookSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  static final long TIMEOUT_MILLIS = 15_000;
  static final long POLL_MILLIS = 5_000;
  /** Longer than a send can take (timeout plus recording), so a live lease is never taken over. */
  static final long LEASE_SECONDS = 60;
  static final String HEADS = "SELECT * FROM (SELECT DISTINCT ON (d.webhook_id) d.id, d.webhook_id, d.body, d.attempts,"
      + " d.next_attempt_at, d.lease_until, w.url, w.secret, w.automatic_redelivery"
      + " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
      + " WHERE d.status = 'Pending' ORDER BY d.webhook_id, d.seq) head"
      + " WHERE head.lease_until IS NULL OR head.lease_until < now()";
  static final String CLAIM = "UPDATE webhook_deliveries SET lease_until = now() + interval '" + LEASE_SECONDS + " seconds'"
      + " WHERE id = $1 AND status = 'Pending' AND attempts = $2 AND (lease_until IS NULL OR lease_until < now())";
  // One statement, so an attempt's row in the log commits with the outcome it records on the
  // delivery (and the lease's release), or neither does; the attempt number is the delivery's count
  // after this attempt.
  static final String RECORD = "WITH d AS (UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1,"
      + " next_attempt_at = $3, http_code = $4, error_message = $5, last_attempt_at = $6, lease_until = NULL"
      + " WHERE id = $1 RETURNING id, attempts, last_attempt_at, http_code, error_message)"
      + " INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, http_code, error_message)"
      + " SELECT id, attempts, last_attempt_at, http_code, error_message FROM d";

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final List<Long> schedule;
  private final Set<String> inFlight = new HashSet<>();
  private Context context;
  private WebClient client;
  private long timer = -1;
  private Passes passes;

  public WebhookSender(Vertx vertx, Pool pool, Clock clock, List<Long> retrySchedule) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.schedule = retrySchedule;
  }

  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    passes = new Passes(context, this::pass);
    return Future.future(p -> context.runOnContext(v -> {
      client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) TIMEOUT_MILLIS)
          .setFollowRedirects(false).setUserAgent("FlashGateway-Webhook"));
      timer = vertx.setPeriodic(POLL_MILLIS, id -> wake());
      wake();
      p.complete();
    }));
  }

  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    return Future.future(p -> context.runOnContext(v -> {
      passes.stop();
      vertx.cancelTimer(timer);
      client.close();
      p.complete();
    }));
  }

  /** Looks for due deliveries; safe to call from any thread, passes never overlap. */
  public void wake() {
    if (passes != null) {
      passes.request();
    }
  }

  /** Sends what is due now and sets a timer for what is due later. */
  private Future<Boolean> pass() {
    return pool.query(HEADS).execute().map(rows -> {
      Instant now = clock.instant();
      for (Row r : rows) {
        String webhookId = r.getString("webhook_id");
        if (inFlight.contains(webhookId)) {
          continue;
        }
        Instant due = r.getOffsetDateTime("next_attempt_at").toInstant();
        if (due.isAfter(now)) {
          vertx.setTimer(Math.max(1, due.toEpochMilli() - now.toEpochMilli()), id -> wake());
          continue;
        }
        claimThenSend(r);
      }
      return false;
    }).onFailure(err -> LOG.warn("webhook queue read failed: {}", err.toString()));
  }

  private void claimThenSend(Row r) {
    String webhookId = r.getString("webhook_id");
    inFlight.add(webhookId);
    pool.preparedQuery(CLAIM).execute(Tuple.of(r.getString("id"), r.getInteger("attempts")))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().rowCount() == 1) {
            send(r);
            return;
          }
          // another node sends it (or already did); look again for this webhook's next delivery
          inFlight.remove(webhookId);
          if (ar.failed()) {
            LOG.warn("webhook delivery claim failed: {}", ar.cause().toString());
          } else {
            wake();
          }
        });
  }

  private void send(Row r) {
    String webhookId = r.getString("webhook_id");
    String body = r.getString("body");
    Future<Integer> answer;
    try {
      answer = client.postAbs(r.getString("url")).timeout(TIMEOUT_MILLIS)
          .putHeader("Content-Type", "application/json")
          .putHeader("BTCPay-Sig", "sha256=" + sign(r.getString("secret"), body))
          .sendBuffer(Buffer.buffer(body)).map(resp -> resp.statusCode());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    // The client's timeout is an idle timeout: a receiver trickling bytes could hold the send past
    // the claim's lease and let another node send it again. This bounds the whole exchange.
    Deadlines.within(vertx, TIMEOUT_MILLIS, answer,
        () -> Future.failedFuture("no complete answer within " + TIMEOUT_MILLIS + " ms"), null).onComplete(ar -> {
      Integer code = ar.succeeded() ? ar.result() : null;
      String error = ar.failed() ? String.valueOf(ar.cause().getMessage()) : null;
      boolean ok = code != null && code >= 200 && code < 300;
      boolean retryable = code == null || code >= 500 || code == 408 || code == 429;
      int attempt = r.getInteger("attempts"); // retries already made
      boolean retry = !ok && retryable && r.getBoolean("automatic_redelivery") && attempt < schedule.size();
      Instant now = clock.instant();
      String status = ok ? "Delivered" : retry ? "Pending" : "Failed";
      OffsetDateTime next = retry ? now.plusMillis(schedule.get(attempt)).atOffset(ZoneOffset.UTC) : null;
      pool.preparedQuery(RECORD).execute(Tuple.of(r.getString("id"), status, next, code,
          error == null ? (ok ? null : "HTTP " + code) : error, now.atOffset(ZoneOffset.UTC))).onComplete(u -> {
            if (u.failed()) {
              LOG.warn("webhook delivery not recorded: {}", u.cause().toString());
            }
            inFlight.remove(webhookId);
            if (retry && schedule.get(attempt) > 0) {
              vertx.setTimer(schedule.get(attempt), id -> wake());
            } else {
              wake();
            }
          });
    });
  }

  /** Hex HMAC-SHA256 of the body with the webhook's secret (the {@code BTCPay-Sig} value after {@code sha256=}). */
  public static String sign(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
