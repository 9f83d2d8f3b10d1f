package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public checkout status, by HTTP and WebSocket. */
class CheckoutStatusTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void showsAndPushesTheStatusWithoutAKey() {
    String store = gw.createStore("Checkout");
    String id = gw.http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"10\",\"currency\":\"USD\"}",
        TestGateway.ADMIN_KEY).json().getString("id");
    var r = gw.http().get("/i/" + id + "/status", null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject s = r.json();
    assertThat(s.getString("status")).isEqualTo("New");
    assertThat(s.getString("additionalStatus")).isEqualTo("None");
    assertThat(s.getString("amountDue")).isEqualTo("0.00010000");
    assertThat(s.getString("amountPaid")).isEqualTo("0.00000000");
    assertThat(s.getJsonArray("paymentMethods")).isNotNull();
    assertThat(s.containsKey("metadata")).isFalse();
    assertThat(gw.http().get("/i/nope/status", null).status()).isEqualTo(404);

    try (var ws = WsClient.connect(gw.gateway().httpPort(), "/i/" + id + "/status/ws", null)) {
      assertThat(ws.next().getString("status")).isEqualTo("New");
      var marked = gw.http().post("/api/v1/stores/" + store + "/invoices/" + id + "/status", "{\"status\":\"Invalid\"}",
          TestGateway.ADMIN_KEY);
      assertThat(marked.status()).isEqualTo(200);
      JsonObject pushed;
      do {
        pushed = ws.next();
      } while ("New".equals(pushed.getString("status")));
      assertThat(pushed.getString("status")).isEqualTo("Invalid");
      assertThat(pushed.getString("additionalStatus")).isEqualTo("Marked");
    }
  }
}
