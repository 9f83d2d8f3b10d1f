package me.flashapp.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import me.flashapp.gateway.api.ApiException;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.Fields;
import me.flashapp.gateway.api.JsonBody;
import me.flashapp.gateway.api.Policies;
import me.flashapp.gateway.api.Reply;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.events.EventType;

/**
 * Greenfield webhooks: {@code /api/v1/stores/{storeId}/webhooks[/{webhookId}[/deliveries...]]}.
 * The secret is returned only by the creation; it is never logged.
 */
public final class WebhooksHandler {
  static final String COLS = "id, store_id, url, enabled, automatic_redelivery, everything, specific_events";
  static final String INSERT = "INSERT INTO webhooks (id, store_id, url, enabled, automatic_redelivery, everything,"
      + " specific_events, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  static final String LIST = "SELECT " + COLS + " FROM webhooks WHERE store_id = $1 ORDER BY created_at, id";
  static final String FIND = "SELECT " + COLS + " FROM webhooks WHERE store_id = $1 AND id = $2";
  static final String UPDATE = "UPDATE webhooks SET url = $3, enabled = $4, automatic_redelivery = $5,"
      + " everything = $6, specific_events = $7, secret = coalesce($8, secret) WHERE store_id = $1 AND id = $2";
  static final String DELETE = "DELETE FROM webhooks WHERE store_id = $1 AND id = $2";
  static final String DCOLS = "d.id, d.created_at, d.http_code, d.error_message, d.status, d.attempts, d.body";
  static final String DLIST = "SELECT " + DCOLS + " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
      + " WHERE w.store_id = $1 AND w.id = $2 ORDER BY d.seq DESC LIMIT 50";
  static final String DFIND = "SELECT " + DCOLS + ", d.event_id FROM webhook_deliveries d JOIN webhooks w"
      + " ON w.id = d.webhook_id WHERE w.store_id = $1 AND w.id = $2 AND d.id = $3";
  static final String REDELIVER = "INSERT INTO webhook_deliveries (id, webhook_id, event_id, original_delivery_id,"
      + " is_redelivery, body, status, next_attempt_at, created_at)"
      + " SELECT $1, $2, d.event_id, d.original_delivery_id, TRUE, $4, 'Pending', $5, $5"
      + " FROM webhook_deliveries d WHERE d.id = $3";
  static final String ATTEMPTS = "SELECT attempt, attempted_at, http_code, error_message FROM webhook_delivery_attempts"
      + " WHERE delivery_id = $1 ORDER BY attempt";
  static final String PAYLOAD = "SELECT payload::text AS payload FROM outbox_events WHERE id = $1";

  private final Pool pool;
  private final Clock clock;
  private final boolean allowPrivateUrls;
  private final WebhookSender sender;

  public WebhooksHandler(Pool pool, Clock clock, boolean allowPrivateUrls, WebhookSender sender) {
    this.pool = pool;
    this.clock = clock;
    this.allowPrivateUrls = allowPrivateUrls;
    this.sender = sender;
  }

  public void mount(Router router) {
    String base = "/api/v1/stores/:storeId/webhooks";
    router.post(base).handler(this::create);
    router.get(base).handler(this::list);
    router.get(base + "/:webhookId").handler(this::get);
    router.put(base + "/:webhookId").handler(this::update);
    router.delete(base + "/:webhookId").handler(this::delete);
    router.get(base + "/:webhookId/deliveries").handler(this::deliveries);
    router.get(base + "/:webhookId/deliveries/:deliveryId").handler(this::delivery);
    router.get(base + "/:webhookId/deliveries/:deliveryId/request").handler(this::request);
    router.post(base + "/:webhookId/deliveries/:deliveryId/redeliver").handler(this::redeliver);
  }

  private record Config(String url, boolean enabled, boolean automaticRedelivery, boolean everything,
                        String[] specificEvents, String secret) {}

  private static String store(RoutingContext ctx) {
    String storeId = ctx.pathParam("storeId");
    Auth.key(ctx).require(Policies.STORE_MODIFY_WEBHOOKS, storeId);
    return storeId;
  }

  private Config read(RoutingContext ctx) {
    Fields f = new Fields(JsonBody.object(ctx));
    String url = f.string("url", true, 2000);
    if (url != null) {
      String problem = checkUrl(url);
      if (problem != null) {
        f.error("url", problem);
      }
    }
    Boolean enabled = f.bool("enabled");
    Boolean redeliver = f.bool("automaticRedelivery");
    Fields events = f.nested("authorizedEvents");
    Boolean everything = events.bool("everything");
    List<String> specific = events.strings("specificEvents", 20);
    if (specific != null) {
      for (String s : specific) {
        try {
          EventType.valueOf(s);
        } catch (IllegalArgumentException e) {
          events.error("specificEvents", "unknown event type '" + s + "'");
        }
      }
    }
    String secret = f.string("secret", false, 200);
    f.validate();
    return new Config(url, enabled == null || enabled, redeliver == null || redeliver,
        everything == null ? specific == null || specific.isEmpty() : everything,
        specific == null ? new String[0] : specific.toArray(String[]::new), secret);
  }

  /** Null if acceptable; refuses private-network targets unless allowed (SSRF). */
  String checkUrl(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        return "must be an absolute http(s) URL";
      }
      if (allowPrivateUrls) {
        return null;
      }
      String host = u.getHost().toLowerCase(java.util.Locale.ROOT);
      if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local")
          || host.endsWith(".internal")) {
        return "must not point to a private network";
      }
      if (host.matches("[0-9.]+") || host.startsWith("[")) { // a literal address: no DNS lookup happens here
        InetAddress a = InetAddress.getByName(host.replace("[", "").replace("]", ""));
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
            || a.isMulticastAddress() || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc)) {
          return "must not point to a private network";
        }
      }
      return null;
    } catch (Exception e) {
      return "must be an absolute http(s) URL";
    }
  }

  static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("enabled", r.getBoolean("enabled"))
        .put("automaticRedelivery", r.getBoolean("automatic_redelivery")).put("url", r.getString("url"))
        .put("authorizedEvents", new JsonObject().put("everything", r.getBoolean("everything"))
            .put("specificEvents", new JsonArray(List.of(r.getArrayOfStrings("specific_events")))));
  }

  /**
   * Greenfield's delivery statuses: {@code HttpSuccess}, {@code HttpError} (the receiver answered,
   * not with a 2xx), {@code Failed} (no answer). {@code Pending} (not delivered yet, another attempt
   * scheduled) is ours: BTCPay has no queue to show.
   */
  static JsonObject deliveryJson(Row r) {
    String status = switch (r.getString("status")) {
      case "Delivered" -> "HttpSuccess";
      case "Failed" -> r.getInteger("http_code") != null ? "HttpError" : "Failed";
      default -> r.getString("status");
    };
    return new JsonObject().put("id", r.getString("id"))
        .put("timestamp", r.getOffsetDateTime("created_at").toEpochSecond())
        .put("httpCode", r.getInteger("http_code")).put("errorMessage", r.getString("error_message"))
        .put("status", status).put("attempts", r.getInteger("attempts"));
  }

  void create(RoutingContext ctx) {
    String storeId = store(ctx);
    Config c = read(ctx);
    String id = Ids.random(22);
    String secret = c.secret() != null ? c.secret() : Ids.random(32);
    pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {id, storeId, c.url(), c.enabled(),
            c.automaticRedelivery(), c.everything(), c.specificEvents(), secret,
            clock.instant().atOffset(ZoneOffset.UTC)}))
        .recover(err -> Future.failedFuture(err.getMessage() != null && err.getMessage().contains("23503")
            ? ApiException.storeNotFound() : err))
        .compose(v -> find(storeId, id))
        .onSuccess(r -> Reply.ok(json(r).put("secret", secret)).send(ctx)).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    pool.preparedQuery(LIST).execute(Tuple.of(store(ctx))).onSuccess(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(json(r)));
      Reply.ok(out).send(ctx);
    }).onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    find(store(ctx), ctx.pathParam("webhookId")).onSuccess(r -> Reply.ok(json(r)).send(ctx)).onFailure(ctx::fail);
  }

  void update(RoutingContext ctx) {
    String storeId = store(ctx);
    String id = ctx.pathParam("webhookId");
    Config c = read(ctx);
    pool.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {storeId, id, c.url(), c.enabled(),
            c.automaticRedelivery(), c.everything(), c.specificEvents(), c.secret()}))
        .compose(v -> find(storeId, id)).onSuccess(r -> Reply.ok(json(r)).send(ctx)).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    pool.preparedQuery(DELETE).execute(Tuple.of(store(ctx), ctx.pathParam("webhookId"))).onSuccess(rs -> {
      if (rs.rowCount() == 0) {
        ctx.fail(notFound());
      } else {
        ctx.response().setStatusCode(200).end();
      }
    }).onFailure(ctx::fail);
  }

  void deliveries(RoutingContext ctx) {
    String storeId = store(ctx);
    String id = ctx.pathParam("webhookId");
    find(storeId, id).compose(w -> pool.preparedQuery(DLIST).execute(Tuple.of(storeId, id))).onSuccess(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(deliveryJson(r)));
      Reply.ok(out).send(ctx);
    }).onFailure(ctx::fail);
  }

  /**
   * One delivery: the list's fields ({@code attempts} is the count there and here, so one model
   * reads both) and {@code attemptLog}, every attempt, oldest first.
   */
  void delivery(RoutingContext ctx) {
    findDelivery(ctx).compose(d -> pool.preparedQuery(ATTEMPTS).execute(Tuple.of(d.getString("id"))).map(rows -> {
      JsonArray attempts = new JsonArray();
      rows.forEach(a -> attempts.add(new JsonObject().put("attempt", a.getInteger("attempt"))
          .put("timestamp", a.getOffsetDateTime("attempted_at").toEpochSecond())
          .put("httpCode", a.getInteger("http_code")).put("errorMessage", a.getString("error_message"))));
      return deliveryJson(d).put("attemptLog", attempts);
    })).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  void request(RoutingContext ctx) {
    findDelivery(ctx).onSuccess(r -> Reply.ok(r.getString("body")).send(ctx)).onFailure(ctx::fail);
  }

  /** A new delivery of the same event (isRedelivery, same originalDeliveryId); returns its id. */
  void redeliver(RoutingContext ctx) {
    String webhookId = ctx.pathParam("webhookId");
    String newId = Ids.random(22);
    findDelivery(ctx).compose(d -> pool.preparedQuery(PAYLOAD).execute(Tuple.of(d.getLong("event_id")))
        .compose(p -> {
          String original = ctx.pathParam("deliveryId");
          String originalId = new JsonObject(d.getString("body")).getString("originalDeliveryId", original);
          String body = WebhookQueue.body(p.iterator().next().getString("payload"), newId, webhookId, originalId, true);
          return pool.preparedQuery(REDELIVER).execute(Tuple.of(newId, webhookId, original, body,
              clock.instant().atOffset(ZoneOffset.UTC)));
        })).onSuccess(v -> {
          sender.wake();
          Reply.ok(io.vertx.core.json.Json.encode(newId)).send(ctx);
        }).onFailure(ctx::fail);
  }

  private Future<Row> find(String storeId, String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(storeId, id)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound();
      }
      return rows.iterator().next();
    });
  }

  private Future<Row> findDelivery(RoutingContext ctx) {
    String storeId = store(ctx);
    return pool.preparedQuery(DFIND).execute(Tuple.of(storeId, ctx.pathParam("webhookId"), ctx.pathParam("deliveryId")))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("webhookdelivery-not-found", "The webhook delivery was not found");
          }
          return rows.iterator().next();
        });
  }

  private static ApiException notFound() {
    return ApiException.notFound("webhook-not-found", "The webhook was not found");
  }
}
