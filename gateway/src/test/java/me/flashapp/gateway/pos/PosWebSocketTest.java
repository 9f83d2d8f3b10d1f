package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.events.Outbox;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The POS WebSocket over real sockets: isolation, order, replay, crash recovery. */
class PosWebSocketTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final String INSERT = Outbox.insertSql("", "SELECT $1, 'InvoiceCreated', $2, $3::text::jsonb, now()");
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static int port() {
    return gw.gateway().httpPort();
  }

  static String createInvoice(String store) {
    var r = gw.http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1.00\",\"currency\":\"USD\"}", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    return r.json().getString("id");
  }

  /** Writes n events straight into the outbox, each in its own concurrent transaction. */
  static void insertEvents(String store, int n) {
    var pool = gw.gateway().database().pool();
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String payload = new JsonObject().put("type", "InvoiceCreated").put("storeId", store).put("n", i).encode();
      all.add(pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(Tuple.of(store, "inv" + 0, payload))));
    }
    TestGateway.await(Future.all(all));
  }

  static long lastSeq(String store) {
    return Eventually.get("all events of " + store + " published", () -> {
      var rows = gw.sql("SELECT (SELECT count(*) FROM outbox_unnumbered WHERE store_id = $1) AS pending,"
          + " (SELECT coalesce(max(store_seq), 0) FROM outbox_numbers WHERE store_id = $1) AS last", store);
      return rows.get(0).getLong("pending") == 0 ? rows.get(0).getLong("last") : null;
    });
  }

  @Test
  void terminalsSeeOnlyTheirOwnStore() {
    String a = gw.createStore("A");
    String b = gw.createStore("B");
    String keyA = gw.createKey("btcpay.store.canviewinvoices:" + a);
    String keyB = gw.createKey("btcpay.store.canviewinvoices:" + b);
    try (var a1 = WsClient.terminal(port(), a, keyA, null);
         var a2 = WsClient.terminal(port(), a, ADMIN, null);
         var b1 = WsClient.terminal(port(), b, keyB, null)) {
      String ia1 = createInvoice(a);
      String ib = createInvoice(b);
      String ia2 = createInvoice(a);
      for (WsClient t : List.of(a1, a2)) {
        List<JsonObject> ev = t.events(2);
        assertThat(ev).extracting(e -> e.getJsonObject("event").getString("invoiceId")).containsExactly(ia1, ia2);
        assertThat(ev).extracting(e -> e.getLong("seq")).containsExactly(1L, 2L); // store creation writes no event
        assertThat(ev.get(0).getJsonObject("event").getString("type")).isEqualTo("InvoiceCreated");
        assertThat(ev.get(0).getJsonObject("event").getString("storeId")).isEqualTo(a);
      }
      JsonObject eb = b1.next("event");
      assertThat(eb.getJsonObject("event").getString("invoiceId")).isEqualTo(ib);
      // a marker event on B after A's: B's terminal must see it next, never one of A's
      String ib2 = createInvoice(b);
      assertThat(b1.next("event").getJsonObject("event").getString("invoiceId")).isEqualTo(ib2);
      assertThat(a1.drain()).noneMatch(f -> "event".equals(f.getString("type")));
    }
  }

  @Test
  void aThousandEventsArriveInOrderWithConsecutiveSeq() {
    String s = gw.createStore("Busy");
    try (var t = WsClient.terminal(port(), s, ADMIN, 0L)) {
      t.next("subscribed");
      insertEvents(s, 1000);
      List<JsonObject> ev = t.events(1000);
      for (int i = 0; i < ev.size(); i++) {
        assertThat(ev.get(i).getLong("seq")).isEqualTo(i + 1L);
      }
    }
  }

  @Test
  void publishingNeverWritesToAnEventRowAgain() {
    String s = gw.createStore("Written once");
    try (var t = WsClient.terminal(port(), s, ADMIN, 0L)) {
      t.next("subscribed");
      insertEvents(s, 50);
      assertThat(t.events(50)).extracting(e -> e.getLong("seq")).last().isEqualTo(50L);
    }
    // numbered and published: no row was updated or locked (xmax stays 0) and none has a second version
    assertThat(gw.sql("SELECT count(*) AS n FROM outbox_events WHERE store_id = $1 AND xmax <> 0", s).get(0)
        .getLong("n")).isZero();
    assertThat(gw.sql("SELECT count(*) AS n FROM outbox_numbers WHERE store_id = $1", s).get(0).getLong("n"))
        .isEqualTo(50);
  }

  @Test
  void eventsArePublishedWhileEveryRequestConnectionIsTaken() {
    String s = gw.createStore("Saturated");
    var pool = gw.gateway().database().pool();
    try (var t = WsClient.terminal(port(), s, ADMIN, 0L)) {
      t.next("subscribed");
      // every connection of the request pool held, as under overload
      List<io.vertx.sqlclient.SqlConnection> held = new ArrayList<>();
      try {
        for (int i = 0; i < gw.gateway().config().databasePoolSize(); i++) {
          held.add(TestGateway.await(pool.getConnection()));
        }
        String payload = new JsonObject().put("type", "InvoiceCreated").put("storeId", s).put("invoiceId", "inv-saturated")
            .encode();
        TestGateway.await(held.get(0).preparedQuery(INSERT).execute(Tuple.of(s, "inv-saturated", payload)));
        JsonObject e = t.next("event");
        assertThat(e.getLong("seq")).isEqualTo(1L);
        assertThat(e.getJsonObject("event").getString("invoiceId")).isEqualTo("inv-saturated");
      } finally {
        held.forEach(c -> TestGateway.await(c.close()));
      }
    }
  }

  @Test
  void resumingWithSinceGetsExactlyTheMissedEvents() {
    String s = gw.createStore("Resume");
    insertEvents(s, 3);
    assertThat(lastSeq(s)).isEqualTo(3L);
    long seen;
    try (var t = WsClient.terminal(port(), s, ADMIN, 0L)) {
      seen = t.events(3).get(2).getLong("seq");
      t.next("subscribed");
    }
    insertEvents(s, 5); // missed while away
    assertThat(lastSeq(s)).isEqualTo(8L);
    try (var t = WsClient.terminal(port(), s, ADMIN, seen)) {
      List<JsonObject> missed = t.events(5);
      assertThat(missed).extracting(e -> e.getLong("seq")).containsExactly(4L, 5L, 6L, 7L, 8L);
      t.next("subscribed");
      insertEvents(s, 1); // then live, no gap and no duplicate
      assertThat(t.next("event").getLong("seq")).isEqualTo(9L);
    }
  }

  @Test
  void aCommittedButUnpublishedEventArrivesAfterRestartAndARollbackPublishesNothing() {
    String s = gw.createStore("Crash");
    insertEvents(s, 1);
    assertThat(lastSeq(s)).isEqualTo(1L);
    // a rolled-back change: its row never becomes visible, so nothing is numbered or published
    var pool = gw.gateway().database().pool();
    assertThat(pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(Tuple.of(s, "rolled", "{\"n\":\"rb\"}"))
        .compose(x -> Future.failedFuture("roll back"))).toCompletionStage().toCompletableFuture()
        .handle((v, err) -> err != null).join()).isTrue();
    // the "crash": the dispatcher is gone between commit and publication
    TestGateway.await(gw.gateway().events().dispatcher().stop());
    insertEvents(s, 2);
    assertThat(gw.sql("SELECT count(*) AS n FROM outbox_unnumbered WHERE store_id = $1", s)
        .get(0).getLong("n")).isEqualTo(2L);
    gw.restart();
    try (var t = WsClient.terminal(port(), s, ADMIN, 1L)) {
      List<JsonObject> ev = t.events(2);
      assertThat(ev).extracting(e -> e.getLong("seq")).containsExactly(2L, 3L);
      assertThat(ev).noneMatch(e -> "rb".equals(e.getJsonObject("event").getString("n")));
    }
  }
}
