package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listing invoices (pages, filters), archive, metadata updates, top-up invoices and not-found cases. */
class InvoiceListTest {
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

  /** Creates an invoice one minute after the previous one, so creation times differ. */
  static String create(String store, String body) {
    gw.clock.advance(Duration.ofMinutes(1));
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices", body, ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("id");
  }

  static String withOrder(String orderId) {
    return "{\"amount\":\"1.00\",\"metadata\":{\"orderId\":\"" + orderId + "\"}}";
  }

  static List<String> ids(String store, String query) {
    Http.Response r = http.get("/api/v1/stores/" + store + "/invoices" + query, ADMIN);
    assertThat(r.status()).as(query + " → " + r).isEqualTo(200);
    return r.array().stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void pagesAreNewestFirst() {
    String store = gw.createStore("Pages");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(create(store, "{\"amount\":\"" + (i + 1) + "\"}"));
    }
    List<String> newestFirst = new ArrayList<>(created);
    java.util.Collections.reverse(newestFirst);

    assertThat(ids(store, "")).containsExactlyElementsOf(newestFirst);
    assertThat(ids(store, "?take=3")).containsExactlyElementsOf(newestFirst.subList(0, 3));
    assertThat(ids(store, "?skip=3&take=3")).containsExactlyElementsOf(newestFirst.subList(3, 6));
    assertThat(ids(store, "?skip=6&take=3")).containsExactlyElementsOf(newestFirst.subList(6, 7));
    assertThat(ids(store, "?skip=7")).isEmpty();

    Http.Response all = http.get("/api/v1/stores/" + store + "/invoices", ADMIN);
    List<Long> times = all.array().stream().map(o -> ((JsonObject) o).getLong("createdTime")).toList();
    assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder()).doesNotHaveDuplicates();
    // list entries have the same shape as a single read
    JsonObject first = all.array().getJsonObject(0);
    assertThat(http.get("/api/v1/stores/" + store + "/invoices/" + first.getString("id"), ADMIN).json()).isEqualTo(first);
  }

  @Test
  void filtersByStatusRepeatedly() {
    String store = gw.createStore("Statuses");
    String fresh = create(store, "{\"amount\":\"1.00\"}");
    String expiring = create(store, "{\"amount\":\"1.00\",\"checkout\":{\"expirationMinutes\":1}}");
    String settled = create(store, "{\"amount\":\"1.00\"}");
    assertThat(http.post("/api/v1/stores/" + store + "/invoices/" + settled + "/status", "{\"status\":\"Settled\"}", ADMIN)
        .status()).isEqualTo(200);
    gw.clock.advance(Duration.ofMinutes(1));
    TestGateway.await(gw.gateway().expirer().sweep());

    assertThat(ids(store, "?status=New")).containsExactly(fresh);
    assertThat(ids(store, "?status=Expired")).containsExactly(expiring);
    assertThat(ids(store, "?status=Settled")).containsExactly(settled);
    assertThat(ids(store, "?status=New&status=Expired")).containsExactly(expiring, fresh);
    assertThat(ids(store, "?status=Processing")).isEmpty();
    assertThat(ids(store, "?status=New&status=Expired&status=Settled&take=2")).containsExactly(settled, expiring);
  }

  @Test
  void filtersByOrderIdAndFollowsMetadataUpdates() {
    String store = gw.createStore("Orders");
    String a = create(store, withOrder("A-1"));
    String b = create(store, withOrder("B-2"));
    create(store, "{\"amount\":\"1.00\"}");

    assertThat(ids(store, "?orderId=A-1")).containsExactly(a);
    assertThat(ids(store, "?orderId=A-1&orderId=B-2")).containsExactly(b, a);
    assertThat(ids(store, "?orderId=nope")).isEmpty();

    // PUT replaces the metadata; the order id filter follows it
    Http.Response put = http.put("/api/v1/stores/" + store + "/invoices/" + a,
        "{\"metadata\":{\"orderId\":\"C-3\",\"note\":\"gift wrap\",\"qty\":2.50,\"total\":100.0}}", ADMIN);
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().getJsonObject("metadata").getString("note")).isEqualTo("gift wrap");
    assertThat(put.body()).contains("2.50").contains("100.0"); // numbers as sent
    assertThat(ids(store, "?orderId=A-1")).isEmpty();
    assertThat(ids(store, "?orderId=C-3")).containsExactly(a);
    assertThat(gw.sql("SELECT order_id FROM invoices WHERE id = $1", a).get(0).getString("order_id")).isEqualTo("C-3");
    // the status, amount and price are not touched by a metadata update
    JsonObject after = http.get("/api/v1/invoices/" + a, ADMIN).json();
    assertThat(after.getString("status")).isEqualTo("New");
    assertThat(after.getString("amount")).isEqualTo("1.00");

    String before = gw.sql("SELECT metadata::text AS m FROM invoices WHERE id = $1", b).get(0).getString("m");
    for (String body : new String[] {"{}", "{\"metadata\":\"x\"}", "{\"metadata\":{\"orderId\":7}}"}) {
      Http.Response r = http.put("/api/v1/stores/" + store + "/invoices/" + b, body, ADMIN);
      assertThat(r.status()).as(body + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).startsWith("metadata");
    }
    assertThat(http.put("/api/v1/stores/" + store + "/invoices/" + b, "{\"metadata\":", ADMIN).status()).isEqualTo(400);
    assertThat(gw.sql("SELECT metadata::text AS m FROM invoices WHERE id = $1", b).get(0).getString("m")).isEqualTo(before);
  }

  @Test
  void filtersByCreationTimeInclusive() {
    String store = gw.createStore("Dates");
    String first = create(store, "{\"amount\":\"1\"}");
    String second = create(store, "{\"amount\":\"2\"}");
    String third = create(store, "{\"amount\":\"3\"}");
    long t1 = created(first);
    long t2 = created(second);
    long t3 = created(third);
    assertThat(t2 - t1).isEqualTo(60);

    assertThat(ids(store, "?startDate=" + t2)).containsExactly(third, second);
    assertThat(ids(store, "?endDate=" + t2)).containsExactly(second, first);
    assertThat(ids(store, "?startDate=" + t2 + "&endDate=" + t2)).containsExactly(second);
    assertThat(ids(store, "?startDate=" + (t1 + 1) + "&endDate=" + (t3 - 1))).containsExactly(second);
    assertThat(ids(store, "?startDate=" + (t3 + 1))).isEmpty();
  }

  static long created(String id) {
    return http.get("/api/v1/invoices/" + id, ADMIN).json().getLong("createdTime");
  }

  @Test
  void archivedInvoicesLeaveTheListUntilUnarchived() {
    String store = gw.createStore("Archive");
    String kept = create(store, "{\"amount\":\"1\"}");
    String archived = create(store, "{\"amount\":\"2\"}");
    String path = "/api/v1/stores/" + store + "/invoices/" + archived;

    Http.Response del = http.delete(path, ADMIN);
    assertThat(del.status()).isEqualTo(200);
    assertThat(ids(store, "")).containsExactly(kept);
    assertThat(ids(store, "?includeArchived=false")).containsExactly(kept);
    assertThat(ids(store, "?includeArchived=true")).containsExactly(archived, kept);
    // still readable, flagged, never erased
    JsonObject inv = http.get(path, ADMIN).json();
    assertThat(inv.getBoolean("archived")).isTrue();
    assertThat(gw.sql("SELECT archived FROM invoices WHERE id = $1", archived).get(0).getBoolean("archived")).isTrue();

    Http.Response un = http.post(path + "/unarchive", null, ADMIN);
    assertThat(un.status()).isEqualTo(200);
    assertThat(un.json().getBoolean("archived")).isFalse();
    assertThat(ids(store, "")).containsExactly(archived, kept);
    assertThat(gw.sql("SELECT archived FROM invoices WHERE id = $1", archived).get(0).getBoolean("archived")).isFalse();
  }

  @Test
  void badQueryParametersAre422() {
    String store = gw.createStore("Queries");
    String[][] cases = {
        {"take=0", "take"}, {"take=5000", "take"}, {"take=ten", "take"}, {"skip=-1", "skip"},
        {"skip=1.5", "skip"}, {"status=Bogus", "status"}, {"status=new", "status"}, {"startDate=abc", "startDate"},
        {"startDate=-1", "startDate"}, {"endDate=2026-01-01", "endDate"}, {"includeArchived=yes", "includeArchived"}};
    for (String[] c : cases) {
      Http.Response r = http.get("/api/v1/stores/" + store + "/invoices?" + c[0], ADMIN);
      assertThat(r.status()).as(c[0] + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).as(c[0]).isEqualTo(c[1]);
    }
    Http.Response two = http.get("/api/v1/stores/" + store + "/invoices?take=0&status=Bogus", ADMIN);
    assertThat(two.array().stream().map(o -> ((JsonObject) o).getString("path"))).containsExactlyInAnyOrder("take", "status");
    assertThat(http.get("/api/v1/stores/" + store + "/invoices?take=1000&skip=0", ADMIN).status()).isEqualTo(200);
  }

  @Test
  void aTopUpInvoiceHasNoPrice() {
    String store = gw.createStore("TopUp");
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices", "{\"currency\":\"BTC\"}", ADMIN);
    assertThat(r.status()).isEqualTo(200);
    JsonObject inv = r.json();
    assertThat(inv.getString("type")).isEqualTo("TopUp");
    assertThat(inv.getString("amount")).isEqualTo("0");
    assertThat(inv.getString("currency")).isEqualTo("BTC");
    assertThat(inv.getString("status")).isEqualTo("New");
    var row = gw.sql("SELECT type, amount, due_sats FROM invoices WHERE id = $1", inv.getString("id")).get(0);
    assertThat(row.getString("type")).isEqualTo("TopUp");
    assertThat(row.getValue("amount")).isNull();
    assertThat(row.getValue("due_sats")).isNull();

    // an empty object is a top-up in the store's default currency
    JsonObject usd = http.post("/api/v1/stores/" + store + "/invoices", "{}", ADMIN).json();
    assertThat(usd.getString("type")).isEqualTo("TopUp");
    assertThat(usd.getString("currency")).isEqualTo("USD");
    assertThat(usd.getString("amount")).isEqualTo("0");
  }

  @Test
  void anInvoiceOfAnotherStoreIsNotFoundUnderThisOne() {
    String mine = gw.createStore("Mine");
    String theirs = gw.createStore("Theirs");
    String foreign = create(theirs, "{\"amount\":\"1\"}");
    String base = "/api/v1/stores/" + mine + "/invoices/";
    Http.Response[] responses = {
        http.get(base + foreign, ADMIN),
        http.put(base + foreign, "{\"metadata\":{\"orderId\":\"stolen\"}}", ADMIN),
        http.delete(base + foreign, ADMIN),
        http.post(base + foreign + "/unarchive", null, ADMIN),
        http.post(base + foreign + "/status", "{\"status\":\"Settled\"}", ADMIN),
        http.get(base + "NoSuchInvoice1111111111", ADMIN),
        http.get(base + "not-an-id!", ADMIN),
        http.get("/api/v1/invoices/NoSuchInvoice1111111111", ADMIN)};
    for (Http.Response r : responses) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json().getString("code")).isEqualTo("invoice-not-found");
    }
    var row = gw.sql("SELECT status, archived, metadata::text AS m FROM invoices WHERE id = $1", foreign).get(0);
    assertThat(row.getString("status")).isEqualTo("New");
    assertThat(row.getBoolean("archived")).isFalse();
    assertThat(row.getString("m")).isEqualTo("{}");
    assertThat(gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1", foreign)).hasSize(1);
  }

  @Test
  void anUnknownStoreIsNotFoundForAnUnrestrictedKey() {
    long before = gw.count("invoices");
    String base = "/api/v1/stores/NoSuchStore111111111111111111111/invoices";
    for (Http.Response r : new Http.Response[] {http.get(base, ADMIN), http.post(base, "{\"amount\":\"1\"}", ADMIN)}) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json().getString("code")).isEqualTo("store-not-found");
    }
    assertThat(gw.count("invoices")).isEqualTo(before);
  }
}
