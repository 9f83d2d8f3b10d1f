package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authentication (401), permissions (403), store scoping and the api-keys resource. */
class AuthTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static final String VIEW = "btcpay.store.canviewinvoices";
  static final String CREATE = "btcpay.store.cancreateinvoice";
  static final String MODIFY_INVOICES = "btcpay.store.canmodifyinvoices";
  static final String VIEW_SETTINGS = "btcpay.store.canviewstoresettings";
  static final String MODIFY_SETTINGS = "btcpay.store.canmodifystoresettings";

  static TestGateway gw;
  static String storeA;
  static String storeB;
  static String invoiceA;
  static String invoiceB;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    storeA = gw.createStore("A");
    storeB = gw.createStore("B");
    invoiceA = createInvoice(storeA, ADMIN).json().getString("id");
    invoiceB = createInvoice(storeB, ADMIN).json().getString("id");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static Http http() {
    return gw.http();
  }

  static Http.Response createInvoice(String store, String key) {
    return http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1.00\"}", key);
  }

  static Http.Response createKey(String caller, String... permissions) {
    JsonObject body = new JsonObject().put("label", "k").put("permissions", new JsonArray(List.of(permissions)));
    return http().post("/api/v1/api-keys", body.encode(), caller);
  }

  @Test
  void requestsWithoutAValidKeyGet401WithACode() {
    String path = "/api/v1/stores/" + storeA + "/invoices";
    Map<String, Map<String, String>> cases = Map.of(
        "no header", Map.of(),
        "scheme only", Map.of("Authorization", "token"),
        "unknown scheme", Map.of("Authorization", "Basic " + ADMIN),
        "empty token", Map.of("Authorization", "token   "),
        "unknown key", Map.of("Authorization", "token not-a-key-we-issued-000000"),
        "oversized key", Map.of("Authorization", "token " + "k".repeat(300)));
    cases.forEach((name, headers) -> {
      Http.Response r = http().send("GET", path, null, null, headers);
      assertThat(r.status()).as(name + ": " + r).isEqualTo(401);
      assertThat(r.json().getString("code")).as(name).isEqualTo("unauthenticated");
    });
    // a POST without a key writes nothing
    long before = gw.count("invoices");
    assertThat(createInvoice(storeA, null).status()).isEqualTo(401);
    assertThat(gw.count("invoices")).isEqualTo(before);
    // Bearer is accepted as well as Greenfield's "token"
    assertThat(http().send("GET", path, null, null, Map.of("Authorization", "Bearer " + ADMIN)).status()).isEqualTo(200);
  }

  @Test
  void aKeyWithoutThePermissionGets403AndWritesNothing() {
    String viewer = gw.createKey(VIEW + ":" + storeA);
    long before = gw.count("invoices");
    Http.Response r = createInvoice(storeA, viewer);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getString("code")).isEqualTo("missing-permission");
    assertThat(gw.count("invoices")).isEqualTo(before);
    // store creation needs canmodifystoresettings on every store, not on one
    String storeAdmin = gw.createKey(MODIFY_SETTINGS + ":" + storeA);
    long stores = gw.count("stores");
    assertThat(http().post("/api/v1/stores", "{\"name\":\"X\"}", storeAdmin).status()).isEqualTo(403);
    assertThat(gw.count("stores")).isEqualTo(stores);
  }

  @Test
  void aKeyScopedToStoreASeesNothingOfStoreB() {
    String key = gw.createKey(VIEW + ":" + storeA);
    Http.Response listA = http().get("/api/v1/stores/" + storeA + "/invoices", key);
    assertThat(listA.status()).isEqualTo(200);
    assertThat(listA.array().stream().map(o -> ((JsonObject) o).getString("id"))).contains(invoiceA);
    assertThat(http().get("/api/v1/stores/" + storeA + "/invoices/" + invoiceA, key).status()).isEqualTo(200);
    assertThat(http().get("/api/v1/invoices/" + invoiceA, key).status()).isEqualTo(200);

    assertThat(http().get("/api/v1/stores/" + storeB + "/invoices", key).status()).isEqualTo(403);
    assertThat(http().get("/api/v1/stores/" + storeB + "/invoices/" + invoiceB, key).status()).isEqualTo(403);
    assertThat(http().get("/api/v1/stores/" + storeB, key).status()).isEqualTo(403);
    Http.Response any = http().get("/api/v1/invoices/" + invoiceB, key);
    assertThat(any.status()).isEqualTo(404);
    assertThat(any.json().getString("code")).isEqualTo("invoice-not-found");
    // B's invoice under A's path is not found either (no leak through the path)
    assertThat(http().get("/api/v1/stores/" + storeA + "/invoices/" + invoiceB, key).status()).isEqualTo(404);
    // viewing invoices does not grant the store settings, so the key lists no store at all
    assertThat(http().get("/api/v1/stores", key).array()).isEmpty();

    String settings = gw.createKey(VIEW_SETTINGS + ":" + storeA);
    Http.Response stores = http().get("/api/v1/stores", settings);
    assertThat(stores.status()).isEqualTo(200);
    assertThat(stores.array().stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(storeA);
    assertThat(http().get("/api/v1/stores/" + storeA, settings).status()).isEqualTo(200);
    assertThat(http().get("/api/v1/stores/" + storeB, settings).status()).isEqualTo(403);
    assertThat(http().put("/api/v1/stores/" + storeB, "{\"name\":\"hijacked\"}", settings).status()).isEqualTo(403);
    assertThat(gw.sql("SELECT name FROM stores WHERE id = $1", storeB).get(0).getString("name")).isEqualTo("B");

    // the admin (unrestricted) lists both
    assertThat(http().get("/api/v1/stores", ADMIN).array().stream().map(o -> ((JsonObject) o).getString("id")))
        .contains(storeA, storeB);
  }

  @Test
  void storePoliciesImplyTheirChildren() {
    String settings = gw.createKey(MODIFY_SETTINGS + ":" + storeA);
    String modify = gw.createKey(MODIFY_INVOICES + ":" + storeA);
    String create = gw.createKey(CREATE + ":" + storeA);
    String list = "/api/v1/stores/" + storeA + "/invoices";

    // canmodifystoresettings ⊃ canviewstoresettings ⊃ canviewinvoices, and ⊃ canmodifyinvoices ⊃ cancreateinvoice
    assertThat(http().get("/api/v1/stores/" + storeA, settings).status()).isEqualTo(200);
    assertThat(http().get(list, settings).status()).isEqualTo(200);
    String bySettings = createInvoice(storeA, settings).json().getString("id");
    assertThat(http().delete(list + "/" + bySettings, settings).status()).isEqualTo(200);

    // canmodifyinvoices ⊃ canviewinvoices and cancreateinvoice, but not the store settings
    assertThat(http().get(list, modify).status()).isEqualTo(200);
    String byModify = createInvoice(storeA, modify).json().getString("id");
    assertThat(http().get(list + "/" + byModify, modify).status()).isEqualTo(200);
    assertThat(http().get("/api/v1/stores/" + storeA, modify).status()).isEqualTo(403);
    assertThat(http().put("/api/v1/stores/" + storeA, "{\"name\":\"x\"}", modify).status()).isEqualTo(403);

    // cancreateinvoice alone creates but can neither list, read nor archive
    Http.Response created = createInvoice(storeA, create);
    assertThat(created.status()).isEqualTo(200);
    String byCreate = created.json().getString("id");
    assertThat(http().get(list, create).status()).isEqualTo(403);
    assertThat(http().get(list + "/" + byCreate, create).status()).isEqualTo(403);
    assertThat(http().delete(list + "/" + byCreate, create).status()).isEqualTo(403);
    assertThat(gw.sql("SELECT archived FROM invoices WHERE id = $1", byCreate).get(0).getBoolean("archived")).isFalse();
  }

  @Test
  void aNewKeyIsReturnedOnceAndTheDatabaseHoldsOnlyItsHash() {
    Http.Response r = createKey(ADMIN, VIEW + ":" + storeA, CREATE + ":" + storeA);
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    String key = body.getString("apiKey");
    assertThat(key).matches("[0-9a-f]{40}");
    assertThat(body.getString("label")).isEqualTo("k");
    assertThat(body.getJsonArray("permissions").getList()).containsExactly(VIEW + ":" + storeA, CREATE + ":" + storeA);

    Http.Response current = http().get("/api/v1/api-keys/current", key);
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.json().getString("apiKey")).isEqualTo(key);
    assertThat(current.json().getJsonArray("permissions").getList())
        .containsExactly(VIEW + ":" + storeA, CREATE + ":" + storeA);

    // the row is keyed by SHA-256 of the key; the key text appears nowhere in the table
    assertThat(gw.sql("SELECT label FROM api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))", key)).hasSize(1);
    List<JsonObject> rows = gw.sql("SELECT t::text AS row, encode(key_hash, 'escape') AS raw FROM api_keys t");
    assertThat(rows).isNotEmpty().allSatisfy(row -> {
      assertThat(row.getString("row")).doesNotContain(key);
      assertThat(row.getString("raw")).doesNotContain(key);
    });
    assertThat(rows).noneSatisfy(row -> assertThat(row.getString("row")).contains(ADMIN));
  }

  @Test
  void aKeyCannotGrantWhatItLacks() {
    String scoped = gw.createKey(MODIFY_INVOICES + ":" + storeA);
    long before = gw.count("api_keys");
    // narrower or equal grants are fine
    assertThat(createKey(scoped, VIEW + ":" + storeA).status()).isEqualTo(200);
    assertThat(createKey(scoped, MODIFY_INVOICES + ":" + storeA).status()).isEqualTo(200);
    // wider policy, another store, the same policy unscoped, a server policy: all refused
    for (String wanted : List.of(MODIFY_SETTINGS + ":" + storeA, VIEW + ":" + storeB, VIEW, "unrestricted")) {
      Http.Response r = createKey(scoped, wanted);
      assertThat(r.status()).as(wanted).isEqualTo(403);
      assertThat(r.json().getString("code")).isEqualTo("missing-permission");
    }
    assertThat(gw.count("api_keys")).isEqualTo(before + 2);
  }

  @Test
  void unknownOrMalformedPermissionsAre422WithTheirPath() {
    long before = gw.count("api_keys");
    Map<String, String> cases = Map.of(
        "{\"permissions\":[\"btcpay.store.canfly\"]}", "permissions[0]",
        "{\"permissions\":[\"" + VIEW + "\",\"nope\"]}", "permissions[1]",
        "{\"permissions\":[\"unrestricted:" + storeA + "\"]}", "permissions[0]",
        "{\"permissions\":[\"" + VIEW + ":bad-id!\"]}", "permissions[0]",
        "{\"permissions\":[42]}", "permissions[0]",
        "{\"permissions\":\"" + VIEW + "\"}", "permissions",
        "{\"label\":7}", "label");
    cases.forEach((body, path) -> {
      Http.Response r = http().post("/api/v1/api-keys", body, ADMIN);
      assertThat(r.status()).as(body + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).as(body).isEqualTo(path);
    });
    assertThat(http().post("/api/v1/api-keys", "{\"permissions\":", ADMIN).status()).isEqualTo(400);
    assertThat(gw.count("api_keys")).isEqualTo(before);
  }

  @Test
  void anUnrestrictedCallerRevokesAKeyWhichThenGets401() {
    String key = gw.createKey(VIEW + ":" + storeA);
    assertThat(http().get("/api/v1/api-keys/current", key).status()).isEqualTo(200); // cached now
    assertThat(http().delete("/api/v1/api-keys/" + key, ADMIN).status()).isEqualTo(200);
    Http.Response after = http().get("/api/v1/stores/" + storeA + "/invoices", key);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().getString("code")).isEqualTo("unauthenticated");
    assertThat(gw.sql("SELECT 1 FROM api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))", key)).isEmpty();
    // revoking it again: not found
    Http.Response again = http().delete("/api/v1/api-keys/" + key, ADMIN);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().getString("code")).isEqualTo("apikey-not-found");
  }

  @Test
  void aKeyRevokesItselfButNoOtherKey() {
    String self = gw.createKey(MODIFY_SETTINGS + ":" + storeA);
    String other = gw.createKey(VIEW + ":" + storeA);
    Http.Response refused = http().delete("/api/v1/api-keys/" + other, self);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(http().get("/api/v1/api-keys/current", other).status()).isEqualTo(200);

    assertThat(http().delete("/api/v1/api-keys/" + self, self).status()).isEqualTo(200);
    assertThat(http().get("/api/v1/api-keys/current", self).status()).isEqualTo(401);

    assertThat(http().delete("/api/v1/api-keys/current", other).status()).isEqualTo(200);
    assertThat(http().get("/api/v1/api-keys/current", other).status()).isEqualTo(401);
  }

  @Test
  void theBootstrapKeyIsSeededOnceAndSurvivesARestart() {
    assertThat(gw.sql("SELECT permissions FROM api_keys WHERE label = 'bootstrap'")).hasSize(1);
    gw.restart();
    assertThat(gw.sql("SELECT permissions::text AS p FROM api_keys WHERE label = 'bootstrap'"))
        .extracting(o -> o.getString("p")).containsExactly("{unrestricted}");
    Http.Response r = gw.http().get("/api/v1/api-keys/current", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("permissions").getList()).containsExactly("unrestricted");
  }
}
