package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** createInvoice over the POS WebSocket, and bad frames: refused clearly, nothing written, server unharmed. */
class PosWebSocketFramesTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;
  static String store;
  static String other;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    store = gw.createStore("Shop");
    other = gw.createStore("Other");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static WsClient open(String token) {
    return WsClient.connect(gw.gateway().httpPort(), "/api/v1/stores/" + store + "/ws", token);
  }

  @Test
  void createsAnInvoiceOverTheSocketAndSeesItsEvent() {
    try (var t = WsClient.terminal(gw.gateway().httpPort(), store, ADMIN, null)) {
      t.send("{\"type\":\"createInvoice\",\"requestId\":\"r1\",\"invoice\":{\"amount\":\"2.50\",\"currency\":\"USD\","
          + "\"metadata\":{\"orderId\":\"pos-1\"}}}");
      JsonObject created = t.next("invoiceCreated");
      assertThat(created.getString("requestId")).isEqualTo("r1");
      JsonObject inv = created.getJsonObject("invoice");
      assertThat(inv.getString("amount")).isEqualTo("2.50");
      assertThat(inv.getString("status")).isEqualTo("New");
      assertThat(gw.http().get("/api/v1/stores/" + store + "/invoices/" + inv.getString("id"), ADMIN).status())
          .isEqualTo(200);
      assertThat(t.next("event").getJsonObject("event").getString("invoiceId")).isEqualTo(inv.getString("id"));

      t.send("{\"type\":\"createInvoice\",\"requestId\":\"r2\",\"invoice\":{\"amount\":\"-1\",\"currency\":\"XXX1\"}}");
      JsonObject err = t.next("error");
      assertThat(err.getString("requestId")).isEqualTo("r2");
      assertThat(err.getString("code")).isEqualTo("validation-failed");
      assertThat(err.getJsonArray("errors")).isNotEmpty();
    }
  }

  @Test
  void aViewOnlyKeyCannotCreateInvoices() {
    String viewer = gw.createKey("btcpay.store.canviewinvoices:" + store);
    long before = gw.count("invoices");
    try (var t = WsClient.terminal(gw.gateway().httpPort(), store, viewer, null)) {
      t.send("{\"type\":\"createInvoice\",\"requestId\":\"r\",\"invoice\":{\"amount\":\"1\",\"currency\":\"USD\"}}");
      assertThat(t.next("error").getString("code")).isEqualTo("missing-permission");
    }
    assertThat(gw.count("invoices")).isEqualTo(before);
  }

  @Test
  void badFramesGetAnErrorOrACloseCodeAndWriteNothing() {
    long invoices = gw.count("invoices");
    long events = gw.count("outbox_events");
    try (var t = WsClient.terminal(gw.gateway().httpPort(), store, ADMIN, null)) {
      t.send("{not json");
      assertThat(t.next("error").getString("code")).isEqualTo("invalid-json");
      t.send("[1,2]");
      assertThat(t.next("error").getString("code")).isEqualTo("invalid-body");
      t.send("{\"type\":\"launchRockets\",\"requestId\":\"x\"}");
      JsonObject unknown = t.next("error");
      assertThat(unknown.getString("code")).isEqualTo("unknown-type");
      assertThat(unknown.getString("requestId")).isEqualTo("x");
      t.send("{\"type\":\"subscribe\",\"since\":-5}");
      assertThat(t.next("error").getString("code")).isEqualTo("invalid-since");
      t.send("{\"type\":\"createInvoice\",\"invoice\":{}}");
      assertThat(t.next("error").getString("code")).isEqualTo("invalid-request-id");
      t.send("{\"type\":\"ping\"}");
      assertThat(t.next().getString("type")).isEqualTo("pong"); // still open and answering
    }
    // unauthenticated: a first message that is not auth
    try (var t = open(null)) {
      t.send("{\"type\":\"subscribe\",\"since\":0}");
      assertThat(t.next("error").getString("code")).isEqualTo("unauthenticated");
      assertThat(t.closeCode()).isEqualTo(PosSocket.CLOSE_UNAUTHENTICATED);
    }
    // a wrong key, by header and by first message
    try (var t = open("not-a-real-key-000000")) {
      assertThat(t.closeCode()).isEqualTo(PosSocket.CLOSE_UNAUTHENTICATED);
    }
    try (var t = open(null)) {
      t.send("{\"type\":\"auth\",\"token\":\"nope-nope-nope-nope\"}");
      assertThat(t.closeCode()).isEqualTo(PosSocket.CLOSE_UNAUTHENTICATED);
    }
    // a foreign store: the key may view another store only
    String foreign = gw.createKey("btcpay.store.canviewinvoices:" + other);
    try (var t = open(foreign)) {
      assertThat(t.next("error").getString("code")).isEqualTo("missing-permission");
      assertThat(t.closeCode()).isEqualTo(PosSocket.CLOSE_FORBIDDEN);
    }
    // oversized: more than 64 KiB in one message
    try (var t = WsClient.terminal(gw.gateway().httpPort(), store, ADMIN, null)) {
      t.send("{\"type\":\"createInvoice\",\"requestId\":\"big\",\"invoice\":{\"metadata\":{\"x\":\""
          + "a".repeat(70_000) + "\"}}}");
      assertThat(t.closeCode()).isEqualTo(1009);
    }
    assertThat(gw.count("invoices")).isEqualTo(invoices);
    assertThat(gw.count("outbox_events")).isEqualTo(events);

    // first-message auth works, and the server is unharmed
    try (var t = open(null)) {
      t.send("{\"type\":\"auth\",\"token\":\"" + ADMIN + "\"}").send("{\"type\":\"subscribe\"}");
      t.next("authenticated");
      t.next("subscribed");
    }
    assertThat(gw.http().get("/api/v1/health", null).status()).isEqualTo(200);
  }
}
