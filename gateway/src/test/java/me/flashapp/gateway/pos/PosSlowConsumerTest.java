package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.events.Outbox;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A terminal that stops reading: the server queues a bounded number of frames for it, then closes
 * it with 4008; the other terminals of the store are not held back, and the slow one resumes with
 * {@code since} to get exactly what it missed (docs/pos-websocket.md, "Slow consumers").
 */
class PosSlowConsumerTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final int MAX_QUEUE = 1_000;
  /** 8 KiB of padding per event: few events fill the socket buffers (kernel send buffer ≤ 4 MiB). */
  static final String PADDING = "x".repeat(8 * 1024);
  /** Enough to fill the TCP buffers (~4 MiB = ~520 frames) and then the queue, with room to spare. */
  static final int EVENTS = 2_000;
  /** Inserted (and read by the well-behaved terminals) at a time; below MAX_QUEUE, divides EVENTS. */
  static final int CHUNK = 500;
  static final String BULK_INSERT = Outbox.insertSql("", "SELECT $1, 'InvoiceCreated', 'inv0', jsonb_build_object("
      + "'type', 'InvoiceCreated', 'storeId', $1::text, 'n', g, 'padding', $3::text), now()"
      + " FROM generate_series(1, $2::int) g");
  static TestGateway gw;
  static Vertx clientVertx;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("posMaxQueue", Integer.toString(MAX_QUEUE)));
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    gw.close();
    TestGateway.await(clientVertx.close());
  }

  /** A terminal on Vert.x's client, whose pause() stops reading from the TCP socket. */
  static final class PausableTerminal {
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final Promise<Short> closed = Promise.promise();
    WebSocket ws;

    PausableTerminal(String store) {
      // A small receive buffer so the kernel holds little on our side once we stop reading.
      WebSocketClient client = clientVertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096));
      WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("localhost").setPort(gw.gateway().httpPort())
          .setURI("/api/v1/stores/" + store + "/ws").addHeader("Authorization", "token " + ADMIN);
      ws = TestGateway.await(client.connect(o).onSuccess(w -> {
        w.textMessageHandler(text -> frames.add(new JsonObject(text)));
        w.closeHandler(v -> closed.tryComplete(w.closeStatusCode()));
      }));
    }

    JsonObject next(String type) {
      try {
        while (true) {
          JsonObject f = frames.poll(Eventually.DEFAULT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
          if (f == null) {
            throw new AssertionError("no " + type + " frame arrived");
          }
          if (type.equals(f.getString("type"))) {
            return f;
          }
        }
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Writes n padded events in one transaction: they are published in a burst, so little time
   * passes between the overflow and the test reading again (a server that has sent its close
   * frame waits 10 s for the client's before dropping the connection, and the frame with it).
   */
  static void insertEvents(String store, int n) {
    TestGateway.await(gw.gateway().database().pool().preparedQuery(BULK_INSERT).execute(Tuple.of(store, n, PADDING)));
  }

  static void assertConsecutive(List<JsonObject> events, long first) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getLong("seq")).as("event %d", i).isEqualTo(first + i);
    }
  }

  @Test
  void aTerminalThatStopsReadingIsClosedWith4008AndResumesWithSince() {
    String store = gw.createStore("Slow");
    int port = gw.gateway().httpPort();
    try (var fast = WsClient.terminal(port, store, ADMIN, 0L);
         var other = WsClient.terminal(port, store, ADMIN, null)) {
      fast.next("subscribed");
      PausableTerminal slow = new PausableTerminal(store);
      slow.next("authenticated");
      slow.ws.writeTextMessage("{\"type\":\"subscribe\",\"since\":0}");
      slow.next("subscribed");
      slow.ws.pause();

      // Both readers get every event, in order, while the stalled one is dropped.
      // The events go in in chunks smaller than the queue bound, each read by both readers before
      // the next: the server then never holds more than CHUNK unread frames for a reader that keeps
      // reading, whatever the scheduling. A single 2,000-event (16 MiB) burst made the outcome a
      // race: the dispatcher publishes a 500-event batch every few hundred ms, and a reader not
      // scheduled to take ~4 MiB in that time is more than MAX_QUEUE frames behind, which is a slow
      // consumer by definition (docs/pos-websocket.md), so all three sockets got 4008. Whether it
      // won depended on CPU load and on which event loop the dispatcher shared (it failed on main,
      // and on gaps too under load). The stalled terminal is still handed all 2,000 events.
      for (int from = 1; from <= EVENTS; from += CHUNK) {
        insertEvents(store, CHUNK);
        assertConsecutive(fast.events(CHUNK), from);
        assertConsecutive(other.events(CHUNK), from);
        assertThat(fast.isClosed()).isFalse();
        assertThat(other.isClosed()).isFalse();
      }

      // The hub has now handed the stalled socket all 2,000 events, ~600 more than its buffers and
      // queue hold, so it is closed. Reading again, it gets what was in flight, then the close frame.
      slow.ws.resume();
      assertThat(TestGateway.await(slow.closed.future())).isEqualTo(PosSocket.CLOSE_SLOW_CONSUMER);
      List<JsonObject> got = new ArrayList<>();
      slow.frames.drainTo(got);
      List<JsonObject> processed = got.stream().filter(f -> "event".equals(f.getString("type"))).toList();
      assertConsecutive(processed, 1);
      long last = processed.isEmpty() ? 0 : processed.get(processed.size() - 1).getLong("seq");
      assertThat(last).isLessThan(EVENTS);

      try (var back = WsClient.terminal(port, store, ADMIN, last)) {
        assertConsecutive(back.events((int) (EVENTS - last)), last + 1);
        assertThat(back.next("subscribed").getLong("seq")).isEqualTo((long) EVENTS);
        assertThat(back.drain()).noneMatch(f -> "event".equals(f.getString("type")));
      }
    }
  }
}
