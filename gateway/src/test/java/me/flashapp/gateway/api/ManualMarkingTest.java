package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/stores/{storeId}/invoices/{id}/status}: marking invoices Settled or Invalid by hand. */
class ManualMarkingTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;
  static Http http;
  static String store;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    http = gw.http();
    store = gw.createStore("Marking");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonObject create(String body) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices", body, ADMIN);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static Http.Response mark(String id, String status) {
    return http.post("/api/v1/stores/" + store + "/invoices/" + id + "/status",
        new JsonObject().put("status", status).encode(), ADMIN);
  }

  static List<JsonObject> events(String id) {
    return gw.sql("SELECT type, payload::text AS payload FROM outbox_events WHERE invoice_id = $1 ORDER BY id", id)
        .stream().map(o -> new JsonObject().put("type", o.getString("type"))
            .put("payload", new JsonObject(o.getString("payload")))).toList();
  }

  static List<String> available(JsonObject inv) {
    return inv.getJsonArray("availableStatusesForManualMarking").stream().map(Object::toString).toList();
  }

  /** Records a payment as a detector would, then lets the state machine re-evaluate the invoice. */
  static void pay(String id, long sats, int confirmations) {
    gw.sql("INSERT INTO invoice_payments (payment_method_id, id, invoice_id, value_sats, confirmations, received_at)"
            + " VALUES ('BTC-LN', $1, $2, $3, $4, $5)", "hash-" + id, id, sats, confirmations,
        gw.clock.instant().atOffset(ZoneOffset.UTC));
    TestGateway.await(gw.gateway().invoices().reevaluate(id));
  }

  @Test
  void markingSettledWritesAManuallyMarkedEvent() {
    JsonObject inv = create("{\"amount\":\"5.00\",\"metadata\":{\"orderId\":\"M-1\"}}");
    String id = inv.getString("id");
    assertThat(available(inv)).containsExactly("Settled", "Invalid");

    Http.Response r = mark(id, "Settled");
    assertThat(r.status()).isEqualTo(200);
    JsonObject marked = r.json();
    assertThat(marked.getString("status")).isEqualTo("Settled");
    assertThat(marked.getString("additionalStatus")).isEqualTo("Marked");
    assertThat(available(marked)).containsExactly("Invalid");
    assertThat(http.get("/api/v1/invoices/" + id, ADMIN).json()).isEqualTo(marked);

    var row = gw.sql("SELECT status, additional_status, version FROM invoices WHERE id = $1", id).get(0);
    assertThat(row.getString("status")).isEqualTo("Settled");
    assertThat(row.getString("additional_status")).isEqualTo("Marked");
    assertThat(row.getInteger("version")).isEqualTo(1);

    List<JsonObject> events = events(id);
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("InvoiceCreated", "InvoiceSettled");
    JsonObject settled = events.get(1).getJsonObject("payload");
    assertThat(settled.getString("type")).isEqualTo("InvoiceSettled");
    assertThat(settled.getBoolean("manuallyMarked")).isTrue();
    assertThat(settled.getBoolean("overPaid")).isFalse();
    assertThat(settled.getString("storeId")).isEqualTo(store);
    assertThat(settled.getString("invoiceId")).isEqualTo(id);
    assertThat(settled.getJsonObject("metadata").getString("orderId")).isEqualTo("M-1");
  }

  @Test
  void aNewInvoiceCanBeMarkedInvalidAndThenSettled() {
    String id = create("{\"amount\":\"1.00\"}").getString("id");
    JsonObject invalid = mark(id, "Invalid").json();
    assertThat(invalid.getString("status")).isEqualTo("Invalid");
    assertThat(invalid.getString("additionalStatus")).isEqualTo("Marked");
    assertThat(available(invalid)).containsExactly("Settled");

    JsonObject settled = mark(id, "Settled").json();
    assertThat(settled.getString("status")).isEqualTo("Settled");
    assertThat(settled.getString("additionalStatus")).isEqualTo("Marked");

    List<JsonObject> events = events(id);
    assertThat(events).extracting(e -> e.getString("type"))
        .containsExactly("InvoiceCreated", "InvoiceInvalid", "InvoiceSettled");
    assertThat(events.get(1).getJsonObject("payload").getBoolean("manuallyMarked")).isTrue();
    assertThat(events.get(2).getJsonObject("payload").getBoolean("manuallyMarked")).isTrue();
  }

  @Test
  void aManuallySettledInvoiceMayBeMarkedInvalidButNotSettledAgain() {
    String id = create("{\"amount\":\"1.00\"}").getString("id");
    mark(id, "Settled");
    Http.Response again = mark(id, "Settled");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().getString("code")).isEqualTo("invoice-status-change-not-allowed");

    JsonObject invalid = mark(id, "Invalid").json();
    assertThat(invalid.getString("status")).isEqualTo("Invalid");
    assertThat(invalid.getString("additionalStatus")).isEqualTo("Marked");
    assertThat(events(id)).extracting(e -> e.getString("type"))
        .containsExactly("InvoiceCreated", "InvoiceSettled", "InvoiceInvalid");
  }

  @Test
  void anInvoiceSettledByPaymentCannotBeMarkedInvalid() {
    String id = create("{\"amount\":\"1.00\",\"currency\":\"SATS\"}").getString("id");
    pay(id, 1, PaymentFact.FINAL);
    JsonObject paid = http.get("/api/v1/invoices/" + id, ADMIN).json();
    assertThat(paid.getString("status")).isEqualTo("Settled");
    assertThat(paid.getString("additionalStatus")).isEqualTo("None");
    assertThat(available(paid)).isEmpty();
    assertThat(events(id)).extracting(e -> e.getString("type"))
        .containsExactly("InvoiceCreated", "InvoiceProcessing", "InvoiceSettled");
    assertThat(events(id).get(2).getJsonObject("payload").getBoolean("manuallyMarked")).isFalse();

    for (String target : List.of("Invalid", "Settled")) {
      Http.Response r = mark(id, target);
      assertThat(r.status()).as(target).isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("invoice-status-change-not-allowed");
    }
    assertThat(gw.sql("SELECT status, version FROM invoices WHERE id = $1", id).get(0).getString("status"))
        .isEqualTo("Settled");
    assertThat(events(id)).hasSize(3);
  }

  @Test
  void processingAndExpiredInvoicesOfferBothTargets() {
    // 1,000 sats paid with 0 confirmations on a MediumSpeed invoice: Processing until 1 confirmation
    String processing = create("{\"amount\":\"1000\",\"currency\":\"SATS\"}").getString("id");
    pay(processing, 1000, 0);
    JsonObject p = http.get("/api/v1/invoices/" + processing, ADMIN).json();
    assertThat(p.getString("status")).isEqualTo("Processing");
    assertThat(available(p)).containsExactly("Settled", "Invalid");
    assertThat(mark(processing, "Invalid").json().getString("status")).isEqualTo("Invalid");

    String expired = create("{\"amount\":\"1.00\",\"checkout\":{\"expirationMinutes\":1}}").getString("id");
    gw.clock.advance(Duration.ofMinutes(1));
    TestGateway.await(gw.gateway().invoices().reevaluate(expired));
    JsonObject e = http.get("/api/v1/invoices/" + expired, ADMIN).json();
    assertThat(e.getString("status")).isEqualTo("Expired");
    assertThat(available(e)).containsExactly("Settled", "Invalid");
    JsonObject settled = mark(expired, "Settled").json();
    assertThat(settled.getString("status")).isEqualTo("Settled");
    assertThat(settled.getString("additionalStatus")).isEqualTo("Marked");
    assertThat(events(expired)).extracting(x -> x.getString("type"))
        .containsExactly("InvoiceCreated", "InvoiceExpired", "InvoiceSettled");
  }

  @Test
  void anInvalidTargetIs422AndChangesNothing() {
    String id = create("{\"amount\":\"1.00\"}").getString("id");
    String path = "/api/v1/stores/" + store + "/invoices/" + id + "/status";
    for (String body : List.of("{\"status\":\"Processing\"}", "{\"status\":\"New\"}", "{\"status\":\"Expired\"}",
        "{\"status\":\"settled\"}", "{\"status\":\"Bogus\"}", "{\"status\":1}", "{}")) {
      Http.Response r = http.post(path, body, ADMIN);
      assertThat(r.status()).as(body + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).isEqualTo("status");
    }
    assertThat(http.post(path, "{\"status\":", ADMIN).status()).isEqualTo(400);
    assertThat(http.post(path, null, ADMIN).status()).isEqualTo(400);
    var row = gw.sql("SELECT status, additional_status, version FROM invoices WHERE id = $1", id).get(0);
    assertThat(row.getString("status")).isEqualTo("New");
    assertThat(row.getInteger("version")).isZero();
    assertThat(events(id)).hasSize(1);
  }

  @Test
  void markingNeedsCanModifyInvoices() {
    String id = create("{\"amount\":\"1.00\"}").getString("id");
    String viewer = gw.createKey("btcpay.store.canviewinvoices:" + store);
    String creator = gw.createKey("btcpay.store.cancreateinvoice:" + store);
    String modifier = gw.createKey("btcpay.store.canmodifyinvoices:" + store);
    String path = "/api/v1/stores/" + store + "/invoices/" + id + "/status";
    assertThat(http.post(path, "{\"status\":\"Settled\"}", viewer).status()).isEqualTo(403);
    assertThat(http.post(path, "{\"status\":\"Settled\"}", creator).status()).isEqualTo(403);
    assertThat(events(id)).hasSize(1);
    assertThat(http.post(path, "{\"status\":\"Settled\"}", modifier).status()).isEqualTo(200);
  }
}
