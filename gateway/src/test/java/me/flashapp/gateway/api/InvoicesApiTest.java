package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InvoicesApiTest {
  static TestGateway gw;
  static Http http;
  static String store;
  static final String ADMIN = TestGateway.ADMIN_KEY;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    http = gw.http();
    store = gw.createStore("Coffee");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void createsAFiatInvoicePricedInSatsAndReadsItBack() {
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"12.50\",\"currency\":\"usd\",\"metadata\":{\"orderId\":\"A-1\",\"price\":12.345678901234567890123}}",
        ADMIN);
    assertThat(r.status()).isEqualTo(200);
    JsonObject inv = r.json();
    assertThat(inv.getString("amount")).isEqualTo("12.50");
    assertThat(inv.getString("currency")).isEqualTo("USD");
    assertThat(inv.getString("status")).isEqualTo("New");
    assertThat(inv.getString("additionalStatus")).isEqualTo("None");
    assertThat(inv.getString("type")).isEqualTo("Standard");
    assertThat(inv.getLong("expirationTime") - inv.getLong("createdTime")).isEqualTo(900);
    assertThat(inv.getString("checkoutLink")).endsWith("/i/" + inv.getString("id"));
    // metadata numbers come back exactly as sent, not through double
    assertThat(r.body()).contains("12.345678901234567890123");

    // 12.50 USD at 100,000 USD/BTC = 12,500 sats exactly
    var row = gw.sql("SELECT due_sats, rate, order_id FROM invoices WHERE id = $1", inv.getString("id")).get(0);
    assertThat(row.getLong("due_sats")).isEqualTo(12_500L);
    assertThat(row.getString("order_id")).isEqualTo("A-1");

    Http.Response again = http.get("/api/v1/stores/" + store + "/invoices/" + inv.getString("id"), ADMIN);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(inv);
    assertThat(http.get("/api/v1/invoices/" + inv.getString("id"), ADMIN).json()).isEqualTo(inv);

    var events = gw.sql("SELECT type, payload::text AS payload FROM outbox_events WHERE invoice_id = $1", inv.getString("id"));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("type")).isEqualTo("InvoiceCreated");
    assertThat(new JsonObject(events.get(0).getString("payload")).getString("storeId")).isEqualTo(store);
  }

  @Test
  void fiatConversionRoundsUpToTheNextSatoshi() {
    // 0.01 USD at 100,000 USD/BTC = 10 sats; 0.03 JMD at 15,700,000 JMD/BTC = 0.19 sats → 1 sat
    String id = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"0.03\",\"currency\":\"JMD\"}", ADMIN)
        .json().getString("id");
    assertThat(gw.sql("SELECT due_sats FROM invoices WHERE id = $1", id).get(0).getLong("due_sats")).isEqualTo(1L);
  }

  @Test
  void bitcoinAndSatsInvoicesNeedNoRate() {
    JsonObject btc = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"0.00012345\",\"currency\":\"BTC\"}", ADMIN).json();
    assertThat(btc.getString("amount")).isEqualTo("0.00012345");
    assertThat(gw.sql("SELECT due_sats FROM invoices WHERE id = $1", btc.getString("id")).get(0).getLong("due_sats"))
        .isEqualTo(12_345L);
    JsonObject sats = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":1234,\"currency\":\"SATS\"}", ADMIN).json();
    assertThat(sats.getString("amount")).isEqualTo("1234");
    assertThat(gw.sql("SELECT due_sats FROM invoices WHERE id = $1", sats.getString("id")).get(0).getLong("due_sats"))
        .isEqualTo(1234L);
  }

  @Test
  void aNewInvoiceExpiresWhenItsTimeComes() {
    String id = http.post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"1.00\",\"checkout\":{\"expirationMinutes\":5}}", ADMIN).json().getString("id");
    assertThat(TestGateway.await(gw.gateway().expirer().sweep())).isZero();
    gw.clock.advance(Duration.ofMinutes(5));
    assertThat(TestGateway.await(gw.gateway().expirer().sweep())).isGreaterThanOrEqualTo(1);
    JsonObject inv = http.get("/api/v1/invoices/" + id, ADMIN).json();
    assertThat(inv.getString("status")).isEqualTo("Expired");
    assertThat(inv.getString("additionalStatus")).isEqualTo("None");
    assertThat(gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1 ORDER BY id", id))
        .extracting(o -> o.getString("type")).containsExactly("InvoiceCreated", "InvoiceExpired");
  }

  @Test
  void badInputGetsAClearErrorAndWritesNothing() {
    long before = gw.count("invoices");
    Map<String, Integer> cases = Map.ofEntries(
        Map.entry("{\"amount\":\"-1\"}", 422),
        Map.entry("{\"amount\":\"0\"}", 422),
        Map.entry("{\"amount\":\"abc\"}", 422),
        Map.entry("{\"amount\":\"1e400\"}", 422),
        Map.entry("{\"amount\":\"99999999999999999999\",\"currency\":\"BTC\"}", 422),
        Map.entry("{\"amount\":\"1.001\",\"currency\":\"USD\"}", 422),
        Map.entry("{\"amount\":\"0.000000001\",\"currency\":\"BTC\"}", 422),
        Map.entry("{\"amount\":\"1\",\"currency\":\"XYZ\"}", 422),
        Map.entry("{\"amount\":\"1\",\"currency\":\"CHF\"}", 422),
        Map.entry("{\"amount\":true}", 422),
        Map.entry("{\"amount\":\"1\",\"metadata\":\"x\"}", 422),
        Map.entry("{\"amount\":\"1\",\"checkout\":{\"speedPolicy\":\"Fast\"}}", 422),
        Map.entry("{\"amount\":\"1\",\"checkout\":{\"expirationMinutes\":-5}}", 422),
        Map.entry("{\"amount\":\"1\",\"checkout\":{\"paymentTolerance\":101}}", 422),
        Map.entry("{\"amount\":", 400),
        Map.entry("[1,2]", 400),
        Map.entry("{\"amount\":\"1\"} trailing", 400),
        Map.entry("{\"amount\":\"1\",\"amount\":\"2\"}", 400));
    cases.forEach((body, status) -> {
      Http.Response r = http.post("/api/v1/stores/" + store + "/invoices", body, ADMIN);
      assertThat(r.status()).as(body + " → " + r.body()).isEqualTo(status);
      if (status == 422) {
        assertThat(r.array().getJsonObject(0).getString("path")).as(body).isNotBlank();
      } else {
        assertThat(r.json().getString("code")).as(body).isNotBlank();
      }
    });
    String huge = "{\"amount\":\"1\",\"metadata\":{\"x\":\"" + "a".repeat(1024 * 1024) + "\"}}";
    assertThat(http.post("/api/v1/stores/" + store + "/invoices", huge, ADMIN).status()).isEqualTo(413);
    assertThat(gw.count("invoices")).isEqualTo(before);
  }

  @Test
  void idempotencyKeyReturnsTheFirstResponseAndCreatesNothingNew() {
    String body = "{\"amount\":\"3.00\"}";
    Map<String, String> h = Map.of("Idempotency-Key", "order-77");
    Http.Response first = http.send("POST", "/api/v1/stores/" + store + "/invoices", body, ADMIN, h);
    long after = gw.count("invoices");
    Http.Response second = http.send("POST", "/api/v1/stores/" + store + "/invoices", body, ADMIN, h);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(gw.count("invoices")).isEqualTo(after);
    Http.Response other = http.send("POST", "/api/v1/stores/" + store + "/invoices", "{\"amount\":\"4.00\"}", ADMIN, h);
    assertThat(other.status()).isEqualTo(422);
    assertThat(gw.count("invoices")).isEqualTo(after);
  }
}
