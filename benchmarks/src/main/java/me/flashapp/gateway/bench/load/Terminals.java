package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * N POS terminals on the stores' WebSockets (docs/pos-websocket.md), each subscribed with
 * {@code since: 0}. Operation {@code terminal-connect}: from a terminal's intended connect time to
 * its {@code subscribed} frame. Operation {@code terminal-events}: events received while measuring;
 * its errors are protocol violations (a {@code seq} gap or duplicate, an error frame, a close the
 * generator did not ask for), which the gateway promises never happen.
 */
final class Terminals {
  /** Receives every event frame's event type and invoice id, with the nanoTime it was read. */
  interface EventSink {
    void onEvent(String type, String invoiceId, long receivedNanos);
  }

  final OpStats connect = new OpStats("terminal-connect", true);
  final OpStats events = new OpStats("terminal-events", false);
  private final WebSocketClient client;
  private final GatewayApi api;
  private final String key;
  private final EventSink sink;
  private final List<Terminal> terminals = new CopyOnWriteArrayList<>();
  private final AtomicInteger settled = new AtomicInteger();
  private volatile boolean measuring;
  private volatile boolean stopping;

  Terminals(Vertx vertx, GatewayApi api, String key, int count, EventSink sink) {
    this.api = api;
    this.key = key;
    this.sink = sink;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(Math.max(1, count))
        .setConnectTimeout(30_000));
  }

  /**
   * Opens {@code count} terminals at {@code perSecond} (open loop, from this thread so Vert.x spreads
   * the sockets over its event loops), terminal i on store i mod the number of stores, and waits
   * until each is subscribed or failed, at most {@code timeoutNanos} after the last one was started.
   */
  void connectAll(List<String> storeIds, int count, double perSecond, long timeoutNanos) {
    long start = System.nanoTime();
    double interval = 1_000_000_000.0 / perSecond;
    for (int i = 0; i < count; i++) {
      long intended = start + (long) (i * interval);
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      open("/api/v1/stores/" + storeIds.get(i % storeIds.size()) + "/ws", intended);
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (settled.get() < count && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
    int missing = count - settled.get();
    for (int i = 0; i < missing; i++) {
      connect.error("not subscribed within the connect timeout");
    }
  }

  private void open(String uri, long intended) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(api.host).setPort(api.port).setURI(uri)
        .addHeader("Authorization", "token " + key);
    client.connect(options).onComplete(ar -> {
      if (ar.failed()) {
        connect.error("connect: " + GatewayApi.describe(ar.cause()));
        settled.incrementAndGet();
        return;
      }
      Terminal t = new Terminal(ar.result(), intended);
      terminals.add(t);
      ar.result().textMessageHandler(t::onText);
      ar.result().closeHandler(v -> t.onClose());
      ar.result().exceptionHandler(err -> events.error("socket: " + GatewayApi.describe(err)));
      ar.result().writeTextMessage("{\"type\":\"subscribe\",\"since\":0}");
    });
  }

  void measuring(boolean on) {
    measuring = on;
  }

  int subscribed() {
    return (int) terminals.stream().filter(t -> t.subscribed).count();
  }

  /** Events received over the whole run, replay included (the summary's {@code received}). */
  long received() {
    return terminals.stream().mapToLong(t -> t.received).sum();
  }

  /** Closes every socket; closes from now on are ours, not errors. */
  Future<Void> close() {
    stopping = true;
    List<Future<Void>> closes = new ArrayList<>();
    for (Terminal t : terminals) {
      closes.add(t.ws.close());
    }
    return Future.join(closes).transform(ar -> client.close());
  }

  /** One socket; all its callbacks run on its own context, so its fields need no locking. */
  private final class Terminal {
    private final WebSocket ws;
    private final long intended;
    private volatile boolean subscribed;
    private volatile long received;
    private final SeqOrder order = new SeqOrder();

    Terminal(WebSocket ws, long intended) {
      this.ws = ws;
      this.intended = intended;
    }

    /** Called for every frame of every terminal: a scan of the text, JSON parsing only for rare frames. */
    void onText(String text) {
      long now = System.nanoTime();
      PosFrame frame;
      try {
        frame = PosFrame.scan(text);
      } catch (IllegalArgumentException e) {
        events.error("unparseable frame");
        return;
      }
      switch (String.valueOf(frame.type())) {
        case "event" -> onEvent(frame, now);
        case "subscribed" -> {
          if (!subscribed) {
            subscribed = true;
            connect.success(intended);
            settled.incrementAndGet();
          }
        }
        case "error" -> {
          JsonObject error = new JsonObject(text);
          events.error("error frame: " + error.getString("code") + " " + error.getString("message"));
        }
        default -> { } // authenticated, pong: nothing to check
      }
    }

    private void onEvent(PosFrame frame, long now) {
      String wrong = order.next(frame.seq());
      if (wrong != null) {
        events.error(wrong);
      }
      received++;
      events.in(measuring).count();
      if (frame.eventType() != null) {
        sink.onEvent(frame.eventType(), frame.invoiceId(), now);
      }
    }

    void onClose() {
      if (stopping) {
        return;
      }
      events.error("closed by the gateway: " + ws.closeStatusCode() + " " + ws.closeReason());
      if (!subscribed) {
        settled.incrementAndGet();
      }
    }
  }
}
