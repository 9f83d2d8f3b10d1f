package me.flashapp.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webhooks against a real local HTTP receiver: signatures, retries, the delivery log, redelivery. */
class WebhooksTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final String SECRET = "whsec-0123456789abcdef";
  static TestGateway gw;
  static Vertx receiverVertx;
  static HttpServer receiver;
  static final List<JsonObject> received = new CopyOnWriteArrayList<>();
  static final AtomicInteger badSignatures = new AtomicInteger();
  static final AtomicInteger failuresToGive = new AtomicInteger();

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("webhookRetrySchedule", "0,0,0"));
    receiverVertx = Vertx.vertx();
    receiver = TestGateway.await(receiverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String expected = "sha256=" + WebhookSender.sign(SECRET, body.toString());
      if (!expected.equals(req.getHeader("BTCPay-Sig"))) {
        badSignatures.incrementAndGet();
      }
      received.add(new JsonObject(body.toString()));
      req.response().setStatusCode(failuresToGive.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    gw.close();
    TestGateway.await(receiverVertx.close());
  }

  @Test
  void deliversSignedRetriesOn500AndRedelivers() {
    String store = gw.createStore("Hooks");
    String path = "/api/v1/stores/" + store + "/webhooks";
    var created = gw.http().post(path, new JsonObject().put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook")
        .put("secret", SECRET).encode(), ADMIN);
    assertThat(created.status()).isEqualTo(200);
    String hookId = created.json().getString("id");
    assertThat(created.json().getString("secret")).isEqualTo(SECRET);
    assertThat(gw.http().get(path + "/" + hookId, ADMIN).json().containsKey("secret")).isFalse();
    assertThat(gw.http().get(path, ADMIN).array()).hasSize(1);

    failuresToGive.set(2);
    String invoiceId = gw.http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1\",\"currency\":\"USD\"}",
        ADMIN).json().getString("id");
    Eventually.until("delivered on the third try", () -> received.size() == 3
        && "HttpSuccess".equals(gw.http().get(path + "/" + hookId + "/deliveries", ADMIN).array().getJsonObject(0)
            .getString("status")));
    assertThat(badSignatures.get()).isZero();
    JsonObject first = received.get(0);
    assertThat(received).allMatch(b -> b.getString("deliveryId").equals(first.getString("deliveryId")));
    assertThat(first.getString("type")).isEqualTo("InvoiceCreated");
    assertThat(first.getString("invoiceId")).isEqualTo(invoiceId);
    assertThat(first.getString("webhookId")).isEqualTo(hookId);
    assertThat(first.getBoolean("isRedelivery")).isFalse();
    assertThat(first.getString("originalDeliveryId")).isEqualTo(first.getString("deliveryId"));

    var log = gw.http().get(path + "/" + hookId + "/deliveries", ADMIN).array();
    assertThat(log).hasSize(1);
    assertThat(log.getJsonObject(0).getInteger("attempts")).isEqualTo(3);
    assertThat(log.getJsonObject(0).getInteger("httpCode")).isEqualTo(200);
    String deliveryId = log.getJsonObject(0).getString("id");
    // the log of every attempt: 500, 500, then 200, in order, in the API and in the table
    JsonObject delivery = gw.http().get(path + "/" + hookId + "/deliveries/" + deliveryId, ADMIN).json();
    assertThat(delivery.getString("status")).isEqualTo("HttpSuccess");
    assertThat(delivery.getInteger("httpCode")).isEqualTo(200);
    assertThat(attemptCodes(delivery)).containsExactly(500, 500, 200);
    assertThat(delivery.getJsonArray("attemptLog").stream().map(a -> ((JsonObject) a).getInteger("attempt")))
        .containsExactly(1, 2, 3);
    assertThat(delivery.getJsonArray("attemptLog").getJsonObject(0).getString("errorMessage")).isEqualTo("HTTP 500");
    assertThat(delivery.getJsonArray("attemptLog").getJsonObject(2).getString("errorMessage")).isNull();
    assertThat(gw.sql("SELECT attempt, http_code FROM webhook_delivery_attempts WHERE delivery_id = $1"
        + " ORDER BY attempt", deliveryId).stream().map(r -> r.getInteger("http_code"))).containsExactly(500, 500, 200);

    var request = gw.http().get(path + "/" + hookId + "/deliveries/" + deliveryId + "/request", ADMIN);
    assertThat(request.json()).isEqualTo(first);

    var again = gw.http().post(path + "/" + hookId + "/deliveries/" + deliveryId + "/redeliver", null, ADMIN);
    assertThat(again.status()).isEqualTo(200);
    Eventually.until("redelivered", () -> received.size() == 4);
    JsonObject re = received.get(3);
    assertThat(re.getBoolean("isRedelivery")).isTrue();
    assertThat(re.getString("originalDeliveryId")).isEqualTo(deliveryId);
    assertThat(re.getString("deliveryId")).isNotEqualTo(deliveryId);
    assertThat(badSignatures.get()).isZero();
    Eventually.until("both in the log", () -> gw.http().get(path + "/" + hookId + "/deliveries", ADMIN).array().size() == 2);
    // the redelivery is a delivery of its own, with its own attempts; the original's log is unchanged
    String redeliveryId = re.getString("deliveryId");
    JsonObject redelivery = Eventually.get("redelivery recorded", () -> {
      JsonObject d = gw.http().get(path + "/" + hookId + "/deliveries/" + redeliveryId, ADMIN).json();
      return "HttpSuccess".equals(d.getString("status")) ? d : null;
    });
    assertThat(attemptCodes(redelivery)).containsExactly(200);
    assertThat(attemptCodes(gw.http().get(path + "/" + hookId + "/deliveries/" + deliveryId, ADMIN).json()))
        .containsExactly(500, 500, 200);
  }

  @Test
  void anUnreachableReceiverLeavesAttemptsWithErrorsAndNoHttpCode() throws Exception {
    int closedPort = TestGateway.closedPort();
    String store = gw.createStore("Hooks3");
    String path = "/api/v1/stores/" + store + "/webhooks";
    String hookId = gw.http().post(path, new JsonObject().put("url", "http://127.0.0.1:" + closedPort + "/hook")
        .encode(), ADMIN).json().getString("id");
    assertThat(gw.http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1\",\"currency\":\"USD\"}",
        ADMIN).status()).isEqualTo(200);

    // retried as configured (0,0,0): four attempts, then Failed
    JsonObject failed = Eventually.get("given up", () -> {
      var log = gw.http().get(path + "/" + hookId + "/deliveries", ADMIN).array();
      String id = log.isEmpty() ? null : log.getJsonObject(0).getString("id");
      JsonObject d = id == null ? null : gw.http().get(path + "/" + hookId + "/deliveries/" + id, ADMIN).json();
      return d != null && "Failed".equals(d.getString("status")) ? d : null;
    });
    assertThat(failed.getInteger("httpCode")).isNull();
    assertThat(failed.getJsonArray("attemptLog")).hasSize(4).allSatisfy(a -> {
      assertThat(((JsonObject) a).getValue("httpCode")).isNull();
      assertThat(((JsonObject) a).getString("errorMessage")).containsIgnoringCase("connection refused");
    });
    assertThat(gw.sql("SELECT http_code, error_message FROM webhook_delivery_attempts WHERE delivery_id = $1",
        failed.getString("id"))).hasSize(4).allSatisfy(r -> {
          assertThat(r.getValue("http_code")).isNull();
          assertThat(r.getString("error_message")).isNotBlank();
        });
  }

  private static List<Integer> attemptCodes(JsonObject delivery) {
    return delivery.getJsonArray("attemptLog").stream().map(a -> ((JsonObject) a).getInteger("httpCode")).toList();
  }

  @Test
  void refusesBadConfigAndForeignKeys() {
    String store = gw.createStore("Hooks2");
    String path = "/api/v1/stores/" + store + "/webhooks";
    assertThat(gw.http().post(path, "{\"url\":\"ftp://x\"}", ADMIN).status()).isEqualTo(422);
    assertThat(gw.http().post(path, "{\"url\":\"https://x.example\",\"authorizedEvents\":{\"specificEvents\":[\"Nope\"]}}",
        ADMIN).status()).isEqualTo(422);
    String viewer = gw.createKey("btcpay.store.canviewinvoices:" + store);
    assertThat(gw.http().post(path, "{\"url\":\"https://x.example\"}", viewer).status()).isEqualTo(403);
    var h = new WebhooksHandler(null, null, false, null);
    assertThat(h.checkUrl("http://10.0.0.1/x")).isNotNull();
    assertThat(h.checkUrl("http://localhost:8080/x")).isNotNull();
    assertThat(h.checkUrl("https://merchant.example/x")).isNull();
    var created = gw.http().post(path, "{\"url\":\"https://x.example\"}", ADMIN).json();
    assertThat(created.getString("secret")).hasSizeGreaterThan(20); // generated
    assertThat(gw.http().delete(path + "/" + created.getString("id"), ADMIN).status()).isEqualTo(200);
    assertThat(gw.http().get(path + "/" + created.getString("id"), ADMIN).status()).isEqualTo(404);
  }
}
