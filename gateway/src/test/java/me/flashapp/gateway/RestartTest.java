package me.flashapp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.MutableClock;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A restart on the same data keeps everything: stores, invoices, keys, and pending expiries. */
class RestartTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
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
  void storesInvoicesAndKeysSurviveARestart() {
    Http http = gw.http();
    String store = http.post("/api/v1/stores", "{\"name\":\"Durable\",\"defaultCurrency\":\"EUR\",\"speedPolicy\":\"LowSpeed\"}",
        ADMIN).json().getString("id");
    JsonObject storeBefore = http.get("/api/v1/stores/" + store, ADMIN).json();
    String key = gw.createKey("btcpay.store.canmodifyinvoices:" + store);
    String kept = http.post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"9.20\",\"metadata\":{\"orderId\":\"R-1\"}}", key).json().getString("id");
    gw.clock.advance(Duration.ofSeconds(1));
    String archived = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1.00\"}", key).json().getString("id");
    assertThat(http.delete("/api/v1/stores/" + store + "/invoices/" + archived, key).status()).isEqualTo(200);
    String marked = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"2.00\"}", key).json().getString("id");
    http.post("/api/v1/stores/" + store + "/invoices/" + marked + "/status", "{\"status\":\"Invalid\"}", key);
    String listBefore = http.get("/api/v1/stores/" + store + "/invoices?includeArchived=true", key).body();
    long events = gw.count("outbox_events");

    gw.restart();
    Http after = gw.http();

    assertThat(after.get("/api/v1/stores/" + store, ADMIN).json()).isEqualTo(storeBefore);
    Http.Response current = after.get("/api/v1/api-keys/current", key);
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.json().getJsonArray("permissions").getList())
        .containsExactly("btcpay.store.canmodifyinvoices:" + store);
    // links carry the new port; everything else is byte-for-byte what it was
    String listAfter = after.get("/api/v1/stores/" + store + "/invoices?includeArchived=true", key).body();
    assertThat(listAfter.replaceAll("localhost:\\d+", "HOST")).isEqualTo(listBefore.replaceAll("localhost:\\d+", "HOST"));
    JsonObject inv = after.get("/api/v1/invoices/" + kept, key).json();
    assertThat(inv.getString("amount")).isEqualTo("9.20");
    assertThat(inv.getString("currency")).isEqualTo("EUR");
    assertThat(after.get("/api/v1/invoices/" + marked, key).json().getString("status")).isEqualTo("Invalid");
    assertThat(after.get("/api/v1/stores/" + store + "/invoices", key).array()).hasSize(2);
    // 9.20 EUR at 92,000 EUR/BTC = 10,000 sats, as priced before the restart
    assertThat(gw.sql("SELECT due_sats FROM invoices WHERE id = $1", kept).get(0).getLong("due_sats")).isEqualTo(10_000L);
    assertThat(gw.count("outbox_events")).isEqualTo(events);
    // the key still works for writes, and idempotency records survive too
    assertThat(after.send("POST", "/api/v1/stores/" + store + "/invoices", "{\"amount\":\"3.00\"}", key,
        Map.of("Idempotency-Key", "after-restart")).status()).isEqualTo(200);
  }

  @Test
  void anInvoiceThatExpiredWhileDownExpiresOnTheFirstSweep() {
    String store = gw.createStore("Sleepy");
    String id = gw.http().post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"1.00\",\"checkout\":{\"expirationMinutes\":2}}", ADMIN).json().getString("id");
    gw.restart();
    gw.clock.advance(Duration.ofMinutes(2));
    assertThat(TestGateway.await(gw.gateway().expirer().sweep())).isGreaterThanOrEqualTo(1);
    assertThat(gw.http().get("/api/v1/invoices/" + id, ADMIN).json().getString("status")).isEqualTo("Expired");
    assertThat(gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1 ORDER BY id", id))
        .extracting(o -> o.getString("type")).containsExactly("InvoiceCreated", "InvoiceExpired");
  }

  /**
   * No database URL: the gateway runs its own durable PostgreSQL under the data directory. Stop
   * it, start a new gateway on the same directory, and the data is there.
   */
  @Test
  void theEmbeddedDatabaseKeepsItsDataInTheDataDirectory() throws Exception {
    Path dataDir = Files.createTempDirectory("gateway-embedded");
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    GatewayConfig config = GatewayConfig.from(Map.of(
        "httpPort", "0",
        "httpInstances", "1",
        "dataDir", dataDir.toString(),
        "bootstrapApiKey", ADMIN,
        "expirySweepMillis", "3600000"));
    assertThat(config.databaseUrl()).isNull();
    try {
      Gateway first = TestGateway.await(Gateway.start(Vertx.vertx(), true, config, clock, null));
      String store;
      try {
        assertThat(first.database().embedded()).isTrue();
        Http http = new Http(first.httpPort());
        JsonObject health = http.get("/api/v1/health", null).json();
        assertThat(health.getJsonObject("dependencies").getJsonObject("database").getBoolean("embedded")).isTrue();
        store = http.post("/api/v1/stores", "{\"name\":\"Persistent\"}", ADMIN).json().getString("id");
      } finally {
        TestGateway.await(first.stop());
      }
      assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).exists();

      Gateway second = TestGateway.await(Gateway.start(Vertx.vertx(), true, config, clock, null));
      try {
        Http http = new Http(second.httpPort());
        Http.Response r = http.get("/api/v1/stores/" + store, ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getString("name")).isEqualTo("Persistent");
        // the bootstrap key was seeded once, not twice
        assertThat(TestGateway.await(second.database().pool()
            .query("SELECT count(*) FROM api_keys WHERE label = 'bootstrap'").execute())
            .iterator().next().getLong(0)).isEqualTo(1L);
      } finally {
        TestGateway.await(second.stop());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
