package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.Gateway;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestDatabases;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics and the answers to requests no route takes. The gateway here is started the way
 * {@code Main} starts it ({@link Gateway#start(GatewayConfig)}: own Vert.x with Micrometer metrics),
 * so {@code /metrics} exists.
 */
class HealthAndMetricsTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static Gateway gateway;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    GatewayConfig config = GatewayConfig.from(Map.of(
        "httpPort", "0",
        "httpInstances", "1",
        "databaseUrl", TestDatabases.newDatabaseUrl(),
        "dataDir", Files.createTempDirectory("gateway-health").toString(),
        "bootstrapApiKey", ADMIN,
        "expirySweepMillis", "3600000"));
    gateway = TestGateway.await(Gateway.start(config));
    http = new Http(gateway.httpPort());
  }

  @AfterAll
  static void stop() {
    TestGateway.await(gateway.stop());
  }

  static void assertJsonError(Http.Response r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().getString("code")).isEqualTo(code);
    assertThat(r.json().getString("message")).isNotBlank();
  }

  @Test
  void healthIsPublicAndReportsTheDatabase() {
    // The chain and Lightning listeners report up once their first sync with the (simulated)
    // nodes is done; until then health is honestly 503.
    Http.Response r = me.flashapp.gateway.testing.Eventually.get("health up", () -> {
      Http.Response h = http.get("/api/v1/health", null);
      return h.status() == 200 ? h : null;
    });
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("ok");
    assertThat(body.getBoolean("synchronized")).isTrue();
    JsonObject db = body.getJsonObject("dependencies").getJsonObject("database");
    assertThat(db.getString("status")).isEqualTo("up");
    assertThat(db.getBoolean("embedded")).isFalse();
    // a key is not needed, and an invalid one does not turn health into a 401
    assertThat(http.get("/api/v1/health", "not-a-key-0000000000000").status()).isEqualTo(200);
  }

  @Test
  void aDatabaseWhoseConnectionsAreAllHeldIsReportedDownNotWaitedFor() {
    Eventually.get("health up", () -> http.get("/api/v1/health", null).status() == 200 ? true : null);
    var pool = gateway.database().pool();
    List<SqlConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) { // databasePoolSize's default: every request connection
        held.add(TestGateway.await(pool.getConnection()));
      }
      Http.Response r = http.get("/api/v1/health", null);
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      JsonObject db = r.json().getJsonObject("dependencies").getJsonObject("database");
      assertThat(db.getString("status")).isEqualTo("down");
      assertThat(db.getString("error")).isEqualTo("no answer within 2000 ms");
      assertThat(r.json().getString("status")).isEqualTo("degraded");
    } finally {
      held.forEach(SqlConnection::close);
    }
    Eventually.get("health up again", () -> http.get("/api/v1/health", null).status() == 200 ? true : null);
  }

  @Test
  void unknownRoutesAre404Json() {
    assertJsonError(http.get("/nope", null), 404, "not-found");
    assertJsonError(http.get("/api/v1/nope", ADMIN), 404, "not-found");
    assertJsonError(http.get("/api/v1/stores/x/y/z", ADMIN), 404, "not-found");
    // under /api/v1 authentication comes first: without a key, no hint of what exists
    assertJsonError(http.get("/api/v1/nope", null), 401, "unauthenticated");
  }

  @Test
  void aWrongMethodIsAJsonError() {
    for (String[] c : new String[][] {{"PATCH", "/api/v1/stores"}, {"DELETE", "/api/v1/health"},
        {"PUT", "/api/v1/api-keys/current"}, {"GET", "/api/v1/stores/abc/invoices/def/status"}}) {
      Http.Response r = http.send(c[0], c[1], null, ADMIN, Map.of());
      assertThat(r.status()).as(c[0] + " " + c[1] + " → " + r).isIn(404, 405);
      assertJsonError(r, r.status(), r.status() == 405 ? "method-not-allowed" : "not-found");
    }
    assertJsonError(http.send("PATCH", "/api/v1/stores", null, ADMIN, Map.of()), 405, "method-not-allowed");
  }

  @Test
  void aGetWithAFormBodyIsServedNotA500() {
    // A GET carries no body we read; a form content type must not make the body handler fail it.
    Http.Response r = http.send("GET", "/api/v1/stores", "a=b", ADMIN,
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Http.Response tap = http.send("GET", "/boltcards/balance?p=zz&c=yy", "a=b", null,
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(tap.status()).as(tap.body()).isBetween(400, 499);
  }

  @Test
  void metricsArePublishedForPrometheus() {
    assertThat(http.get("/api/v1/health", null).status()).isEqualTo(200);
    Http.Response r = http.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body()).contains("vertx_http_server_requests").contains("jvm_memory_used_bytes");
  }

  @Test
  void invoiceCreationsAndTheirGroupedCommitsAreCounted() {
    String store = http.post("/api/v1/stores", "{\"name\":\"counted\"}", ADMIN).json().getString("id");
    double created = counter("gateway_invoice_group_invoices_total");
    double commits = counter("gateway_invoice_group_commits_total");
    for (int k = 0; k < 3; k++) {
      assertThat(http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"21\",\"currency\":\"SATS\"}",
          ADMIN).status()).isEqualTo(200);
    }
    // one after the other: nothing to group, one commit each
    assertThat(counter("gateway_invoice_group_invoices_total")).isEqualTo(created + 3);
    assertThat(counter("gateway_invoice_group_commits_total")).isEqualTo(commits + 3);
  }

  private double counter(String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$")
        .matcher(http.get("/metrics", null).body());
    assertThat(m.find()).as(name).isTrue();
    return Double.parseDouble(m.group(2));
  }

  /** The gateway-internal push figure of issue 5 (event committed -> frame handed to the store's terminals). */
  @Test
  void aPushToTerminalsIsTimedOncePerEvent() {
    String store = http.post("/api/v1/stores", "{\"name\":\"pushed\"}", ADMIN).json().getString("id");
    String noTerminal = http.post("/api/v1/stores", "{\"name\":\"unwatched\"}", ADMIN).json().getString("id");
    double before = counter("gateway_pos_push_seconds_count");
    try (var t1 = WsClient.terminal(gateway.httpPort(), store, ADMIN, null);
         var t2 = WsClient.terminal(gateway.httpPort(), store, ADMIN, null)) {
      String body = "{\"amount\":\"21\",\"currency\":\"SATS\"}";
      String unwatched = http.post("/api/v1/stores/" + noTerminal + "/invoices", body, ADMIN).json().getString("id");
      String invoice = http.post("/api/v1/stores/" + store + "/invoices", body, ADMIN).json().getString("id");
      assertThat(t1.next("event").getJsonObject("event").getString("invoiceId")).isEqualTo(invoice);
      assertThat(t2.next("event").getJsonObject("event").getString("invoiceId")).isEqualTo(invoice);
      assertThat(unwatched).isNotEqualTo(invoice);
      // one event, one event loop (httpInstances 1), two terminals: one sample; the unwatched store's none
      Eventually.until("push timed",
          () -> counter("gateway_pos_push_seconds_count") == before + 1);
    }
    assertThat(http.get("/metrics", null).body())
        .containsPattern("gateway_pos_push_seconds_bucket\\{[^}]*le=\"0.01\"\\} ")
        .containsPattern("gateway_pos_push_seconds_bucket\\{[^}]*le=\"\\+Inf\"\\} [1-9]");
  }

  /** The gateway-internal Lightning figure of issue 4 (settle notification -> InvoiceSettled published). */
  @Test
  void aLightningSettlementIsTimedFromNotificationToPublication() {
    String store = http.post("/api/v1/stores", "{\"name\":\"timed\"}", ADMIN).json().getString("id");
    String invoice = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"2100\",\"currency\":\"SATS\"}",
        ADMIN).json().getString("id");
    String bolt11 = http.get("/api/v1/stores/" + store + "/invoices/" + invoice + "/payment-methods", ADMIN).array()
        .stream().map(o -> (JsonObject) o).filter(o -> "BTC-LN".equals(o.getString("paymentMethodId")))
        .findFirst().orElseThrow().getString("destination");
    assertThat(http.post("/api/v1/dev/lightning/pay", new JsonObject().put("paymentRequest", bolt11).encode(), ADMIN)
        .status()).isEqualTo(200);
    java.util.regex.Pattern timedOnce = java.util.regex.Pattern.compile(
        "gateway_lightning_settle_publish_seconds_count(\\{[^}]*\\})? 1(\\.0)?\\n");
    String metrics = me.flashapp.gateway.testing.Eventually.get("settlement timed", () -> {
      String body = http.get("/metrics", null).body();
      return timedOnce.matcher(body).find() ? body : null;
    });
    // histogram buckets, 1 ms apart up to 10 ms: what a window's percentiles are computed from
    assertThat(metrics).containsPattern("gateway_lightning_settle_publish_seconds_bucket\\{[^}]*le=\"0.005\"\\} ")
        .containsPattern("gateway_lightning_settle_publish_seconds_bucket\\{[^}]*le=\"\\+Inf\"\\} 1(\\.0)?\\n");
    assertThat(http.get("/api/v1/stores/" + store + "/invoices/" + invoice, ADMIN).json().getString("status"))
        .isEqualTo("Settled");
    // one settlement, alone in its transaction: the group-commit counters (LightningGroupCommitTest has the groups)
    Eventually.until("settlement transaction counted",
        () -> counter("gateway_lightning_settlement_commits_total") == 1
            && counter("gateway_lightning_settlements_total") == 1);
  }
}
