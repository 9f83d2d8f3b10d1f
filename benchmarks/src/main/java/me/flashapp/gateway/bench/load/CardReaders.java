package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The POS sockets card taps are sent on: {@code count} WebSockets on the store's endpoint,
 * authenticated with the key on the upgrade and never subscribed, so each receives only the
 * answers to its own {@code cardPayment} frames (the terminals observe the events).
 *
 * <p>The gateway limits taps per client address (a bucket of 100, refilled at 20 per second, on the
 * socket's remote address). When the gateway is on loopback, each reader therefore connects from
 * its own loopback source address (127.0.1.10, 127.0.1.11, …), so the limit applies per reader as
 * it would per terminal in a shop; elsewhere all readers share this machine's address.
 */
final class CardReaders {
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final Map<String, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  private final OpStats errors;
  private volatile boolean stopping;
  final boolean ownAddresses;

  private CardReaders(OpStats errors, boolean ownAddresses) {
    this.errors = errors;
    this.ownAddresses = ownAddresses;
  }

  /**
   * Opens {@code count} readers on the store's socket; yields them once every one is authenticated.
   *
   * @param errors where socket-level failures are counted (the card-tap operation)
   */
  static Future<CardReaders> open(Vertx vertx, GatewayApi api, String key, String storeId, int count, OpStats errors) {
    CardReaders readers = new CardReaders(errors, isLoopback(api.host));
    List<Future<Void>> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(1).setConnectTimeout(30_000);
      if (readers.ownAddresses) {
        options.setLocalAddress("127.0." + (1 + i / 200) + "." + (10 + i % 200));
      }
      WebSocketClient client = vertx.createWebSocketClient(options);
      readers.clients.add(client);
      // With own source addresses, connect to 127.0.0.1 itself: "localhost" may resolve to ::1.
      WebSocketConnectOptions connect = new WebSocketConnectOptions()
          .setHost(readers.ownAddresses ? "127.0.0.1" : api.host).setPort(api.port)
          .setURI("/api/v1/stores/" + storeId + "/ws").addHeader("Authorization", "token " + key);
      opened.add(client.connect(connect).compose(readers::authenticated));
    }
    return Future.all(opened).map(readers);
  }

  private Future<Void> authenticated(WebSocket ws) {
    Promise<Void> ready = Promise.promise();
    synchronized (sockets) {
      sockets.add(ws);
    }
    ws.textMessageHandler(text -> onText(text, ready));
    ws.exceptionHandler(err -> errors.error("reader socket: " + GatewayApi.describe(err)));
    ws.closeHandler(v -> {
      if (!stopping) {
        errors.error("reader closed by the gateway: " + ws.closeStatusCode() + " " + ws.closeReason());
        ready.tryFail("closed before it was authenticated");
      }
    });
    return ready.future();
  }

  /** Answers are rare next to terminal events (one per tap): parsed as JSON. */
  private void onText(String text, Promise<Void> ready) {
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("authenticated".equals(type)) {
      ready.tryComplete();
      return;
    }
    String requestId = frame.getString("requestId");
    Promise<JsonObject> answer = requestId == null ? null : pending.remove(requestId);
    if (answer == null) {
      errors.error("unexpected frame on a reader: " + type + " " + frame.getString("code"));
    } else if ("cardPaymentResult".equals(type)) {
      answer.complete(frame);
    } else {
      answer.fail("error frame: " + frame.getString("code") + " " + frame.getString("message"));
    }
  }

  /**
   * Sends {@code cardPayment} for {@code invoiceId} with the card's tap on reader {@code reader};
   * yields the {@code cardPaymentResult} frame, or fails with an error frame's code.
   */
  Future<JsonObject> tap(int reader, String requestId, String invoiceId, SimulatedCard.Tap tap) {
    Promise<JsonObject> answer = Promise.promise();
    pending.put(requestId, answer);
    JsonObject frame = new JsonObject().put("type", "cardPayment").put("requestId", requestId)
        .put("invoiceId", invoiceId).put("p", tap.p()).put("c", tap.c());
    WebSocket ws;
    synchronized (sockets) {
      ws = sockets.get(reader);
    }
    ws.writeTextMessage(frame.encode()).onFailure(err -> {
      if (pending.remove(requestId) != null) {
        answer.fail("send: " + GatewayApi.describe(err));
      }
    });
    return answer.future();
  }

  /** Readers opened. */
  int size() {
    synchronized (sockets) {
      return sockets.size();
    }
  }

  /** Closes every reader; closes from now on are ours, not errors. */
  Future<Void> close() {
    stopping = true;
    List<Future<Void>> closes = new ArrayList<>();
    synchronized (sockets) {
      sockets.forEach(ws -> closes.add(ws.close()));
    }
    return Future.join(closes).transform(ar -> {
      List<Future<Void>> closed = new ArrayList<>();
      clients.forEach(c -> closed.add(c.close()));
      return Future.join(closed).mapEmpty();
    });
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress() && !host.contains(":");
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
