package me.flashapp.gateway.pos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import me.flashapp.gateway.api.ApiException;
import me.flashapp.gateway.api.ApiKey;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.JsonBody;
import me.flashapp.gateway.api.Policies;
import me.flashapp.gateway.api.ValidationException;
import me.flashapp.gateway.db.DatabaseBusyException;
import me.flashapp.gateway.events.PublishedEvent;
import me.flashapp.gateway.invoice.PaymentMethodsUnavailableException;
import me.flashapp.gateway.store.StoreRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POS terminal's WebSocket: authentication, subscribe/replay, live events with a bounded
 * queue, createInvoice and heartbeats. The protocol and its close codes are in
 * docs/pos-websocket.md. Everything runs on the socket's own context.
 */
public final class PosSocket implements PosHub.Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(PosSocket.class);
  public static final short CLOSE_UNAUTHENTICATED = 4001;
  public static final short CLOSE_HEARTBEAT = 4002;
  public static final short CLOSE_FORBIDDEN = 4003;
  public static final short CLOSE_STORE_NOT_FOUND = 4004;
  public static final short CLOSE_SLOW_CONSUMER = 4008;
  static final long AUTH_TIMEOUT_MILLIS = 10_000;
  static final int REPLAY_PAGE = 500;
  static final int MAX_EARLY_MESSAGES = 16;
  static final String REPLAY = "SELECT n.store_seq, o.payload::text AS payload FROM outbox_numbers n"
      + " JOIN outbox_events o ON o.id = n.event_id"
      + " WHERE n.store_id = $1 AND n.store_seq > $2 ORDER BY n.store_seq LIMIT " + REPLAY_PAGE;

  /** Creates an invoice from a createInvoice body, as the HTTP API does; yields the invoice JSON. */
  public interface InvoiceCreator {
    Future<String> create(ApiKey key, String storeId, ObjectNode body, String baseUrl);
  }

  /**
   * What every socket shares. {@code maxQueue}: frames held for a slow reader before it is closed;
   * {@code pingMillis}: the ping interval (a socket silent for two of them is closed);
   * {@code cards}: tap-to-pay ({@code cardPayment}), null when cards are off.
   */
  public record Deps(PosHub hub, Auth auth, Pool pool, InvoiceCreator invoices, int maxQueue, long pingMillis,
                     PosCardPayments cards) {}

  private final Vertx vertx;
  private final Context context;
  private final ServerWebSocket ws;
  private final String storeId;
  private final String baseUrl;
  private final Deps deps;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private final ArrayDeque<PublishedEvent> buffered = new ArrayDeque<>();
  private final ArrayDeque<String> early = new ArrayDeque<>();
  private ApiKey key;
  private boolean authenticating;
  private Runnable unsubscribe;
  private boolean subscribed;
  private boolean replaying;
  private boolean ackPending;
  private Runnable afterDrain;
  private long lastSeq = -1;
  private boolean closed;
  private long authTimer = -1;
  private long pingTimer = -1;
  private long lastHeard = System.nanoTime();

  public PosSocket(Vertx vertx, ServerWebSocket ws, String storeId, String baseUrl, Deps deps) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.ws = ws;
    this.storeId = storeId;
    this.baseUrl = baseUrl;
    this.deps = deps;
  }

  /** Wires the handlers; {@code headerToken} is the upgrade's Authorization token, if any. */
  public void start(String headerToken) {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> error(null, "binary-not-supported", "Send JSON text frames"));
    ws.pongHandler(b -> lastHeard = System.nanoTime());
    ws.drainHandler(v -> flush());
    ws.exceptionHandler(err -> {
      // Vert.x reports an over-long or corrupt message here and leaves the socket open; an I/O
      // error means the peer is gone anyway, so 1009 (too big / unreadable) is the one to send
      LOG.debug("POS socket error: {}", err.toString());
      close((short) 1009, "bad-frame");
    });
    ws.closeHandler(v -> cleanup());
    if (headerToken != null) {
      authenticate(headerToken);
    } else {
      authTimer = vertx.setTimer(AUTH_TIMEOUT_MILLIS, id -> {
        if (key == null) {
          close(CLOSE_UNAUTHENTICATED, "auth-timeout");
        }
      });
    }
  }

  private void onText(String text) {
    lastHeard = System.nanoTime();
    if (closed) {
      return;
    }
    if (authenticating) {
      // a client may send auth and subscribe back to back: keep the rest until auth is decided
      if (early.size() >= MAX_EARLY_MESSAGES) {
        close(CLOSE_SLOW_CONSUMER, "too-many-messages-before-auth");
      } else {
        early.add(text);
      }
      return;
    }
    ObjectNode msg;
    try {
      msg = JsonBody.parseObject(text);
    } catch (ApiException e) {
      error(null, e.code(), e.getMessage());
      if (key == null) {
        close(CLOSE_UNAUTHENTICATED, "unauthenticated");
      }
      return;
    }
    JsonNode typeNode = msg.get("type");
    String type = typeNode != null && typeNode.isTextual() ? typeNode.textValue() : null;
    JsonNode rid = msg.get("requestId");
    String requestId = rid != null && rid.isTextual() && rid.textValue().length() <= 100 ? rid.textValue() : null;
    if (key == null) {
      if ("auth".equals(type) && msg.path("token").isTextual()) {
        authenticate(msg.get("token").textValue());
      } else {
        error(requestId, "unauthenticated", "The first message must be {\"type\":\"auth\",\"token\":\"...\"}");
        close(CLOSE_UNAUTHENTICATED, "unauthenticated");
      }
      return;
    }
    switch (type == null ? "" : type) {
      case "subscribe" -> subscribe(msg, requestId);
      case "createInvoice" -> createInvoice(msg, requestId);
      case "cardPayment" -> cardPayment(msg, requestId);
      case "ping" -> send(requestId == null ? "{\"type\":\"pong\"}"
          : new JsonObject().put("type", "pong").put("requestId", requestId).encode());
      case "auth" -> error(requestId, "already-authenticated", "This socket is already authenticated");
      default -> error(requestId, "unknown-type", "Unknown message type; expected subscribe, createInvoice, cardPayment or ping");
    }
  }

  private void authenticate(String token) {
    authenticating = true;
    deps.auth().resolve(token).compose(k -> {
      if (k == null) {
        return Future.succeededFuture(CLOSE_UNAUTHENTICATED);
      }
      if (!k.can(Policies.STORE_VIEW_INVOICES, storeId)) {
        return Future.succeededFuture(CLOSE_FORBIDDEN);
      }
      return StoreRepository.find(deps.pool(), storeId).map(store -> {
        if (store == null) {
          return CLOSE_STORE_NOT_FOUND;
        }
        key = k;
        return (short) 0;
      });
    }).onComplete(ar -> {
      authenticating = false;
      if (ar.failed()) {
        LOG.warn("POS auth failed: {}", ar.cause().toString());
        close((short) 1011, "internal-error");
        return;
      }
      switch (ar.result()) {
        case CLOSE_UNAUTHENTICATED -> refuse(CLOSE_UNAUTHENTICATED, "unauthenticated", "The API key is not valid");
        case CLOSE_FORBIDDEN -> refuse(CLOSE_FORBIDDEN, "missing-permission",
            "The API key lacks " + Policies.STORE_VIEW_INVOICES + " on this store");
        case CLOSE_STORE_NOT_FOUND -> refuse(CLOSE_STORE_NOT_FOUND, "store-not-found", "The store was not found");
        default -> authorized();
      }
    });
  }

  private void refuse(short code, String errorCode, String message) {
    error(null, errorCode, message);
    close(code, errorCode);
  }

  private void authorized() {
    if (closed) {
      return;
    }
    vertx.cancelTimer(authTimer);
    unsubscribe = deps.hub().subscribeStore(context, storeId, this);
    send(new JsonObject().put("type", "authenticated").put("storeId", storeId).encode());
    pingTimer = vertx.setPeriodic(deps.pingMillis(), id -> heartbeat());
    while (!early.isEmpty() && !closed) {
      onText(early.poll());
    }
  }

  private void heartbeat() {
    if (System.nanoTime() - lastHeard > 2 * deps.pingMillis() * 1_000_000) {
      close(CLOSE_HEARTBEAT, "heartbeat-timeout");
    } else if (!closed) {
      ws.writePing(Buffer.buffer());
    }
  }

  private void subscribe(ObjectNode msg, String requestId) {
    JsonNode since = msg.get("since");
    if (since != null && !since.isNull() && (!since.canConvertToLong() || !since.isIntegralNumber() || since.longValue() < 0)) {
      error(requestId, "invalid-since", "since must be a whole number >= 0 (the last seq you saw)");
      return;
    }
    subscribed = true;
    buffered.clear();
    if (since == null || since.isNull()) {
      lastSeq = -1;
      send(new JsonObject().put("type", "subscribed").putNull("seq").encode());
      return;
    }
    lastSeq = since.longValue();
    ackPending = true;
    if (!replaying) {
      replay(false);
    }
  }

  @Override
  public void onEvent(PublishedEvent e) {
    if (!subscribed || closed) {
      return;
    }
    if (replaying) {
      buffered.add(e);
      if (buffered.size() > deps.maxQueue()) {
        close(CLOSE_SLOW_CONSUMER, "slow-consumer");
      }
      return;
    }
    if (lastSeq >= 0 && e.seq() <= lastSeq) {
      return;
    }
    if (lastSeq >= 0 && e.seq() > lastSeq + 1) {
      // a gap (e.g. a batch posted to this context out of turn): fill it from the outbox
      buffered.add(e);
      replay(true);
      return;
    }
    send(e.frame());
    lastSeq = e.seq();
  }

  /** Sends everything after lastSeq from the outbox, then the events that arrived meanwhile. */
  private void replay(boolean gap) {
    replaying = true;
    deps.pool().preparedQuery(REPLAY).execute(Tuple.of(storeId, lastSeq)).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("POS replay failed: {}", ar.cause().toString());
        close((short) 1011, "internal-error");
        return;
      }
      for (Row r : ar.result()) {
        long seq = r.getLong("store_seq");
        send(PublishedEvent.frame(seq, r.getString("payload")));
        lastSeq = seq;
      }
      if (ar.result().size() == REPLAY_PAGE) {
        whenWritable(() -> replay(gap));
      } else {
        finishReplay(ar.result().size() == 0);
      }
    });
  }

  private void finishReplay(boolean outboxExhausted) {
    while (!buffered.isEmpty() && !closed) {
      PublishedEvent e = buffered.peek();
      if (e.seq() <= lastSeq) {
        buffered.poll();
      } else if (e.seq() == lastSeq + 1 || outboxExhausted) {
        buffered.poll();
        send(e.frame());
        lastSeq = e.seq();
      } else {
        replay(true);
        return;
      }
    }
    replaying = false;
    if (ackPending) {
      ackPending = false;
      send(new JsonObject().put("type", "subscribed").put("seq", lastSeq).encode());
    }
  }

  private void createInvoice(ObjectNode msg, String requestId) {
    if (requestId == null) {
      error(null, "invalid-request-id", "createInvoice needs a requestId string of at most 100 characters");
      return;
    }
    JsonNode body = msg.get("invoice");
    if (body == null || !body.isObject()) {
      error(requestId, "invalid-body", "invoice must be a JSON object (the body of POST /invoices)");
      return;
    }
    Future<String> created;
    try {
      created = deps.invoices().create(key, storeId, (ObjectNode) body, baseUrl);
    } catch (RuntimeException e) {
      created = Future.failedFuture(e);
    }
    created.onComplete(ar -> {
      if (ar.succeeded()) {
        // the invoice JSON is spliced in as the HTTP API wrote it (metadata numbers stay exact)
        send("{\"type\":\"invoiceCreated\",\"requestId\":" + io.vertx.core.json.Json.encode(requestId)
            + ",\"invoice\":" + ar.result() + "}");
      } else {
        failure(requestId, ar.cause());
      }
    });
  }

  /** A Flash Card tap paying an invoice of this store (docs/pos-websocket.md, "Card payments"). */
  private void cardPayment(ObjectNode msg, String requestId) {
    if (requestId == null) {
      error(null, "invalid-request-id", "cardPayment needs a requestId string of at most 100 characters");
    } else if (deps.cards() == null) {
      error(requestId, "card-payments-disabled", "Flash Card payments are not enabled on this server");
    } else if (!key.can(Policies.STORE_CREATE_INVOICE, storeId)) {
      error(requestId, "missing-permission", "The API key lacks " + Policies.STORE_CREATE_INVOICE + " on this store");
    } else {
      String client = ws.remoteAddress() == null ? null : ws.remoteAddress().hostAddress();
      deps.cards().pay(storeId, new JsonObject(msg.toString()), requestId, client).onComplete(ar -> {
        if (ar.succeeded()) {
          send(ar.result().encode());
        } else {
          failure(requestId, ar.cause());
        }
      });
    }
  }

  private void failure(String requestId, Throwable err) {
    if (err instanceof ValidationException v) {
      JsonArray list = new JsonArray();
      v.errors().forEach(e -> list.add(new JsonObject().put("path", e.path()).put("message", e.message())));
      send(new JsonObject().put("type", "error").put("requestId", requestId).put("code", "validation-failed")
          .put("message", "The invoice is not valid").put("errors", list).encode());
    } else if (err instanceof ApiException a) {
      error(requestId, a.code(), a.getMessage());
    } else if (err instanceof PaymentMethodsUnavailableException u) {
      error(requestId, "payment-method-unavailable", u.getMessage());
    } else if (err instanceof DatabaseBusyException b) {
      error(requestId, "database-busy", b.getMessage());
    } else {
      LOG.error("POS request {} failed", requestId, err);
      error(requestId, "internal-error", "An internal error occurred; it has been logged");
    }
  }

  private void error(String requestId, String code, String message) {
    JsonObject f = new JsonObject().put("type", "error");
    if (requestId != null) {
      f.put("requestId", requestId);
    }
    send(f.put("code", code).put("message", message).encode());
  }

  /** Writes now if the socket keeps up, else queues; past maxQueue the reader is too slow. */
  private void send(String frame) {
    // the peer may have closed before our close handler ran: writing would throw
    if (closed || ws.isClosed()) {
      return;
    }
    if (pending.isEmpty() && !ws.writeQueueFull()) {
      ws.writeTextMessage(frame);
      return;
    }
    pending.add(frame);
    if (pending.size() > deps.maxQueue()) {
      close(CLOSE_SLOW_CONSUMER, "slow-consumer");
    }
  }

  private void flush() {
    while (!pending.isEmpty() && !closed && !ws.isClosed() && !ws.writeQueueFull()) {
      ws.writeTextMessage(pending.poll());
    }
    if (pending.isEmpty() && afterDrain != null) {
      Runnable r = afterDrain;
      afterDrain = null;
      r.run();
    }
  }

  private void whenWritable(Runnable r) {
    if (pending.isEmpty() && !ws.writeQueueFull()) {
      r.run();
    } else {
      afterDrain = r;
    }
  }

  private void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    pending.clear();
    buffered.clear();
    cleanup();
    ws.close(code, reason);
  }

  private void cleanup() {
    closed = true;
    vertx.cancelTimer(authTimer);
    vertx.cancelTimer(pingTimer);
    if (unsubscribe != null) {
      unsubscribe.run();
      unsubscribe = null;
    }
  }
}
