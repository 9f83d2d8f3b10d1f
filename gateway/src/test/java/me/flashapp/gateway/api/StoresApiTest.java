package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/stores}: create with defaults, read, list, partial update, delete, bad input. */
class StoresApiTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;
  static Http http;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    http = gw.http();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static BigDecimal decimal(JsonObject o, String field) {
    return new BigDecimal(o.getValue(field).toString());
  }

  @Test
  void createsAStoreWithGreenfieldDefaults() {
    Http.Response r = http.post("/api/v1/stores", "{\"name\":\"  Corner Shop  \"}", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    JsonObject s = r.json();
    assertThat(s.getString("id")).matches("[1-9A-HJ-NP-Za-km-z]{32}");
    assertThat(s.getString("name")).isEqualTo("Corner Shop");
    assertThat(s.getString("website")).isNull();
    assertThat(s.getString("defaultCurrency")).isEqualTo("USD");
    assertThat(s.getInteger("invoiceExpiration")).isEqualTo(900);
    assertThat(s.getInteger("monitoringExpiration")).isEqualTo(86400);
    assertThat(s.getString("speedPolicy")).isEqualTo("MediumSpeed");
    assertThat(decimal(s, "paymentTolerance")).isEqualByComparingTo("0");
    assertThat(s.getLong("createdTime")).isEqualTo(gw.clock.instant().getEpochSecond());

    var row = gw.sql("SELECT name, default_currency, invoice_expiration, speed_policy, payment_tolerance::text AS t,"
        + " deleted_at FROM stores WHERE id = $1", s.getString("id")).get(0);
    assertThat(row.getString("name")).isEqualTo("Corner Shop");
    assertThat(row.getString("default_currency")).isEqualTo("USD");
    assertThat(row.getInteger("invoice_expiration")).isEqualTo(900);
    assertThat(row.getString("speed_policy")).isEqualTo("MediumSpeed");
    assertThat(row.getString("t")).isEqualTo("0.00");
    assertThat(row.getValue("deleted_at")).isNull();

    Http.Response got = http.get("/api/v1/stores/" + s.getString("id"), ADMIN);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(s);
  }

  @Test
  void createsAStoreWithEverySettingGiven() {
    JsonObject s = http.post("/api/v1/stores", "{\"name\":\"Full\",\"website\":\"https://shop.example\","
        + "\"defaultCurrency\":\"jmd\",\"invoiceExpiration\":600,\"monitoringExpiration\":3600,"
        + "\"speedPolicy\":\"LowSpeed\",\"paymentTolerance\":\"1.5\"}", ADMIN).json();
    assertThat(s.getString("website")).isEqualTo("https://shop.example");
    assertThat(s.getString("defaultCurrency")).isEqualTo("JMD");
    assertThat(s.getInteger("invoiceExpiration")).isEqualTo(600);
    assertThat(s.getInteger("monitoringExpiration")).isEqualTo(3600);
    assertThat(s.getString("speedPolicy")).isEqualTo("LowSpeed");
    assertThat(decimal(s, "paymentTolerance")).isEqualByComparingTo("1.5");

    // an invoice in that store inherits its settings
    JsonObject inv = http.post("/api/v1/stores/" + s.getString("id") + "/invoices", "{\"amount\":\"157\"}", ADMIN).json();
    assertThat(inv.getString("currency")).isEqualTo("JMD");
    assertThat(inv.getLong("expirationTime") - inv.getLong("createdTime")).isEqualTo(600);
    assertThat(inv.getLong("monitoringExpiration") - inv.getLong("expirationTime")).isEqualTo(3600);
    assertThat(inv.getJsonObject("checkout").getString("speedPolicy")).isEqualTo("LowSpeed");
    // 157 JMD at 15,700,000 JMD/BTC = 1,000 sats
    assertThat(gw.sql("SELECT due_sats FROM invoices WHERE id = $1", inv.getString("id")).get(0).getLong("due_sats"))
        .isEqualTo(1000L);
  }

  @Test
  void listsLiveStoresInCreationOrder() {
    String a = gw.createStore("List A");
    gw.clock.advance(java.time.Duration.ofSeconds(1));
    String b = gw.createStore("List B");
    var ids = http.get("/api/v1/stores", ADMIN).array().stream().map(o -> ((JsonObject) o).getString("id")).toList();
    assertThat(ids).containsSubsequence(a, b);
    assertThat(ids).hasSize((int) (long) gw.sql("SELECT count(*) AS n FROM stores WHERE deleted_at IS NULL").get(0)
        .getLong("n"));
  }

  @Test
  void putChangesOnlyTheFieldsItNames() {
    String id = http.post("/api/v1/stores", "{\"name\":\"Before\",\"website\":\"https://before.example\","
        + "\"speedPolicy\":\"HighSpeed\",\"paymentTolerance\":2}", ADMIN).json().getString("id");
    Http.Response r = http.put("/api/v1/stores/" + id, "{\"invoiceExpiration\":1200,\"paymentTolerance\":10}", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    JsonObject s = r.json();
    assertThat(s.getString("name")).isEqualTo("Before");
    assertThat(s.getString("website")).isEqualTo("https://before.example");
    assertThat(s.getString("speedPolicy")).isEqualTo("HighSpeed");
    assertThat(s.getInteger("invoiceExpiration")).isEqualTo(1200);
    assertThat(s.getInteger("monitoringExpiration")).isEqualTo(86400);
    assertThat(decimal(s, "paymentTolerance")).isEqualByComparingTo("10");
    assertThat(r.body()).contains("\"paymentTolerance\":10,"); // a plain number, not 1E+1
    assertThat(http.get("/api/v1/stores/" + id, ADMIN).json()).isEqualTo(s);

    JsonObject renamed = http.put("/api/v1/stores/" + id, "{\"name\":\"After\",\"defaultCurrency\":\"EUR\"}", ADMIN).json();
    assertThat(renamed.getString("name")).isEqualTo("After");
    assertThat(renamed.getString("defaultCurrency")).isEqualTo("EUR");
    assertThat(renamed.getInteger("invoiceExpiration")).isEqualTo(1200);
    var row = gw.sql("SELECT name, default_currency, invoice_expiration, payment_tolerance::text AS t FROM stores"
        + " WHERE id = $1", id).get(0);
    assertThat(row.getString("name")).isEqualTo("After");
    assertThat(row.getString("default_currency")).isEqualTo("EUR");
    assertThat(row.getInteger("invoice_expiration")).isEqualTo(1200);
    assertThat(row.getString("t")).isEqualTo("10.00");
  }

  @Test
  void aDeletedStoreIsGoneFromEveryRouteButItsRowIsKept() {
    String id = gw.createStore("Doomed");
    String invoice = http.post("/api/v1/stores/" + id + "/invoices", "{\"amount\":\"1\"}", ADMIN).json().getString("id");
    assertThat(http.delete("/api/v1/stores/" + id, ADMIN).status()).isEqualTo(200);

    for (Http.Response r : new Http.Response[] {
        http.get("/api/v1/stores/" + id, ADMIN),
        http.get("/api/v1/stores/" + id + "/invoices", ADMIN),
        http.post("/api/v1/stores/" + id + "/invoices", "{\"amount\":\"1\"}", ADMIN),
        http.put("/api/v1/stores/" + id, "{\"name\":\"Zombie\"}", ADMIN),
        http.delete("/api/v1/stores/" + id, ADMIN)}) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json().getString("code")).isEqualTo("store-not-found");
    }
    assertThat(http.get("/api/v1/stores", ADMIN).array().stream().map(o -> ((JsonObject) o).getString("id")))
        .doesNotContain(id);
    // retired, not erased: the invoice keeps its history
    var row = gw.sql("SELECT name, deleted_at FROM stores WHERE id = $1", id).get(0);
    assertThat(row.getString("name")).isEqualTo("Doomed");
    assertThat(row.getValue("deleted_at")).isNotNull();
    assertThat(gw.sql("SELECT 1 FROM invoices WHERE id = $1", invoice)).hasSize(1);
  }

  @Test
  void unknownAndMalformedStoreIdsAre404() {
    for (String id : new String[] {"NoSuchStore111111111111111111111", "bad-id!", "x".repeat(65)}) {
      Http.Response r = http.get("/api/v1/stores/" + id, ADMIN);
      assertThat(r.status()).as(id).isEqualTo(404);
      assertThat(r.json().getString("code")).isEqualTo("store-not-found");
    }
  }

  @Test
  void badCreateInputGetsAClearErrorAndWritesNothing() {
    long before = gw.count("stores");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{}", "name");
    cases.put("{\"name\":null}", "name");
    cases.put("{\"name\":\"   \"}", "name");
    cases.put("{\"name\":42}", "name");
    cases.put("{\"name\":\"" + "n".repeat(101) + "\"}", "name");
    cases.put("{\"name\":\"S\",\"defaultCurrency\":\"XYZ\"}", "defaultCurrency");
    cases.put("{\"name\":\"S\",\"defaultCurrency\":840}", "defaultCurrency");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":59}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":2592001}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":-900}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":900.5}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":\"900\"}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"invoiceExpiration\":1e400}", "invoiceExpiration");
    cases.put("{\"name\":\"S\",\"monitoringExpiration\":0}", "monitoringExpiration");
    cases.put("{\"name\":\"S\",\"speedPolicy\":\"Fast\"}", "speedPolicy");
    cases.put("{\"name\":\"S\",\"speedPolicy\":1}", "speedPolicy");
    cases.put("{\"name\":\"S\",\"paymentTolerance\":100.01}", "paymentTolerance");
    cases.put("{\"name\":\"S\",\"paymentTolerance\":-1}", "paymentTolerance");
    cases.put("{\"name\":\"S\",\"paymentTolerance\":\"1.234\"}", "paymentTolerance");
    cases.put("{\"name\":\"S\",\"paymentTolerance\":\"ten\"}", "paymentTolerance");
    cases.put("{\"name\":\"S\",\"paymentTolerance\":true}", "paymentTolerance");
    cases.put("{\"name\":\"S\",\"website\":\"ftp://files.example\"}", "website");
    cases.forEach((body, path) -> {
      Http.Response r = http.post("/api/v1/stores", body, ADMIN);
      assertThat(r.status()).as(body + " → " + r).isEqualTo(422);
      assertThat(r.array().stream().map(o -> ((JsonObject) o).getString("path"))).as(body).contains(path);
    });
    // every problem in one answer
    Http.Response many = http.post("/api/v1/stores", "{\"invoiceExpiration\":1,\"speedPolicy\":\"x\"}", ADMIN);
    assertThat(many.array().stream().map(o -> ((JsonObject) o).getString("path")))
        .containsExactlyInAnyOrder("name", "invoiceExpiration", "speedPolicy");

    for (String body : new String[] {"{\"name\":", "[{\"name\":\"S\"}]", "\"S\"", "null", "",
        "{\"name\":\"S\"} {}", "{\"name\":\"S\",\"name\":\"T\"}"}) {
      Http.Response r = http.post("/api/v1/stores", body, ADMIN);
      assertThat(r.status()).as("'" + body + "' → " + r).isEqualTo(400);
      assertThat(r.json().getString("code")).isIn("invalid-json", "invalid-body");
    }
    String huge = "{\"name\":\"" + "a".repeat(1024 * 1024) + "\"}";
    Http.Response tooBig = http.post("/api/v1/stores", huge, ADMIN);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().getString("code")).isEqualTo("payload-too-large");
    assertThat(gw.count("stores")).isEqualTo(before);
  }

  @Test
  void badUpdateInputChangesNothing() {
    String id = http.post("/api/v1/stores", "{\"name\":\"Stable\",\"invoiceExpiration\":700}", ADMIN).json().getString("id");
    String before = gw.sql("SELECT s::text AS row FROM stores s WHERE id = $1", id).get(0).getString("row");
    Map<String, Integer> cases = new LinkedHashMap<>();
    cases.put("{\"name\":\"Changed\",\"invoiceExpiration\":10}", 422);
    cases.put("{\"name\":\"   \"}", 422);
    cases.put("{\"name\":\"\"}", 422);
    cases.put("{\"defaultCurrency\":\"ZZZ\"}", 422);
    cases.put("{\"paymentTolerance\":101}", 422);
    cases.put("{\"speedPolicy\":\"mediumspeed\"}", 422);
    cases.put("{\"name\":", 400);
    cases.put("[]", 400);
    cases.forEach((body, status) -> {
      Http.Response r = http.put("/api/v1/stores/" + id, body, ADMIN);
      assertThat(r.status()).as(body + " → " + r).isEqualTo(status);
    });
    assertThat(gw.sql("SELECT s::text AS row FROM stores s WHERE id = $1", id).get(0).getString("row")).isEqualTo(before);
  }

  @Test
  void idempotentStoreCreationMakesOneStore() {
    long before = gw.count("stores");
    Map<String, String> h = Map.of("Idempotency-Key", "store-1");
    Http.Response first = http.send("POST", "/api/v1/stores", "{\"name\":\"Once\"}", ADMIN, h);
    Http.Response second = http.send("POST", "/api/v1/stores", "{\"name\":\"Once\"}", ADMIN, h);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(gw.count("stores")).isEqualTo(before + 1);
  }
}
