package me.flashapp.gateway.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.store.Store;
import me.flashapp.gateway.store.StoreRepository;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InvoiceWriterTest {
  static TestGateway gw;
  static Pool pool;
  static InvoiceService invoices;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    pool = gw.gateway().database().pool();
    invoices = gw.gateway().invoices();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Store store(String name) {
    return TestGateway.await(StoreRepository.find(pool, gw.createStore(name)));
  }

  /** Priced drafts of every shape: fiat, sats, BTC, top-up (no amount), metadata with an order id. */
  private static List<InvoiceService.Draft> drafts(Store store, int n) {
    List<InvoiceService.Draft> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      NewInvoice req = switch (k % 4) {
        case 0 -> request(new BigDecimal("12.34"), "USD", "{\"orderId\":\"o-" + k + "\",\"note\":\"ü ✓\"}");
        case 1 -> request(BigDecimal.valueOf(1_000L + k), "SATS", "{}");
        case 2 -> request(new BigDecimal("0.00012345"), "BTC", "{\"posData\":{\"k\":" + k + "}}");
        default -> request(null, "SATS", "{\"orderId\":\"top-" + k + "\"}");
      };
      InvoiceService.Draft d = TestGateway.await(invoices.prepare(store, req));
      // a payment method row per invoice, written in the batch's transaction after the invoices
      var method = new InvoicePaymentMethod("BTC-CHAIN", "dest-" + d.invoice().id(), "bitcoin:dest-" + k,
          "{\"k\":" + k + "}");
      out.add(new InvoiceService.Draft(store, d.invoice(), List.of(
          new PaymentMethodHandler.Prepared(method, tx -> Future.succeededFuture()))));
    }
    return out;
  }

  private static NewInvoice request(BigDecimal amount, String currency, String metadata) {
    return new NewInvoice(amount, currency, metadata, null, null, null, null, null, null, null);
  }

  /** Submits all drafts from one event loop in one go, as concurrent requests arrive there. */
  private static List<Future<Invoice>> submitTogether(InvoiceWriter writer, List<InvoiceService.Draft> drafts) {
    Context loop = gw.gateway().vertx().getOrCreateContext();
    Promise<List<Future<Invoice>>> submitted = Promise.promise();
    loop.runOnContext(v -> submitted.complete(drafts.stream().map(writer::write).toList()));
    List<Future<Invoice>> futures = TestGateway.await(submitted.future());
    TestGateway.await(Future.join(futures).otherwiseEmpty()); // all done, some may have failed
    return futures;
  }

  private static InvoiceService.Draft withId(InvoiceService.Draft d, String id) {
    Invoice i = d.invoice();
    Invoice copy = new Invoice(id, i.storeId(), i.type(), i.amount(), i.currency(), i.rate(), i.dueSats(), i.status(),
        i.additionalStatus(), i.archived(), i.metadataJson(), i.checkoutJson(), i.speedPolicy(), i.paymentTolerance(),
        i.createdAt(), i.expiresAt(), i.monitoringExpiresAt(), i.version());
    var m = d.methods().get(0).method();
    return new InvoiceService.Draft(d.store(), copy, List.of(new PaymentMethodHandler.Prepared(
        new InvoicePaymentMethod(m.paymentMethodId(), "dest-" + id, m.paymentLink(), m.detailsJson()),
        tx -> Future.succeededFuture())));
  }

  /** Everything stored for an invoice, its own id replaced, so two invoices' rows compare equal. */
  private static JsonObject stored(String id) {
    JsonObject row = gw.sql("SELECT type, amount::text, currency, rate::text, due_sats, status, additional_status,"
        + " archived, metadata::text, order_id, checkout::text, speed_policy, payment_tolerance::text,"
        + " created_at::text, expires_at::text, monitoring_expires_at::text, version FROM invoices WHERE id = $1", id)
        .get(0);
    List<JsonObject> events = gw.sql("SELECT type, payload::text, created_at::text FROM outbox_events"
        + " WHERE invoice_id = $1", id);
    List<JsonObject> methods = gw.sql("SELECT payment_method_id, destination, payment_link, details::text,"
        + " created_at::text FROM invoice_payment_methods WHERE invoice_id = $1", id);
    return new JsonObject().put("invoice", row).put("events", events).put("methods", methods)
        .encode().replace(id, "<id>").transform(JsonObject::new);
  }

  @Test
  void invoicesCreatedTogetherShareTransactionsAndAreStoredExactlyAsAloneInOrder() {
    Store store = store("group-commit");
    List<InvoiceService.Draft> drafts = drafts(store, 21);
    InvoiceWriter writer = new InvoiceWriter(pool, 8, 1);

    List<Future<Invoice>> results = submitTogether(writer, drafts);

    assertThat(results).allMatch(Future::succeeded);
    // the first went alone; the twenty that arrived while it committed left in batches of 8, 8, 4
    assertThat(writer.commits()).isEqualTo(4);
    assertThat(writer.invoicesWritten()).isEqualTo(21);
    for (int k = 0; k < drafts.size(); k++) {
      assertThat(results.get(k).result()).isEqualTo(drafts.get(k).invoice());
    }
    // one InvoiceCreated per invoice, in the order the requests arrived (so are the store's seqs)
    List<String> eventOrder = gw.sql("SELECT invoice_id, type FROM outbox_events WHERE store_id = $1 ORDER BY id",
        store.id()).stream().map(r -> r.getString("type") + " " + r.getString("invoice_id")).toList();
    assertThat(eventOrder).containsExactlyElementsOf(
        drafts.stream().map(d -> "InvoiceCreated " + d.invoice().id()).toList());
    // a batch stores, byte for byte, what the one-invoice statement stores for the same draft
    for (InvoiceService.Draft d : drafts) {
      String twin = d.invoice().id() + "-alone";
      TestGateway.await(Transactions.run(pool, tx -> InvoiceWriter.insertOne(tx, withId(d, twin))));
      assertThat(stored(d.invoice().id())).isEqualTo(stored(twin));
    }
    assertThat(stored(drafts.get(0).invoice().id()).getJsonObject("invoice").getString("order_id")).isEqualTo("o-0");
    assertThat(stored(drafts.get(3).invoice().id()).getJsonObject("invoice").getValue("due_sats")).isNull();
    assertThat(stored(drafts.get(1).invoice().id()).getJsonObject("invoice").getLong("due_sats")).isEqualTo(1_001L);
  }

  @Test
  void aDraftThatCannotBeStoredFailsAloneAndTheRestOfItsBatchCommits() {
    Store store = store("group-commit-failure");
    List<InvoiceService.Draft> drafts = new ArrayList<>(drafts(store, 6));
    // its store does not exist: the batch's statement fails on the foreign key, then each goes alone
    Store ghost = new Store("no-such-store", "ghost", null, "USD", 900, 86_400, SpeedPolicy.MediumSpeed,
        BigDecimal.ZERO, store.createdAt());
    InvoiceService.Draft bad = TestGateway.await(invoices.prepare(ghost, request(BigDecimal.TEN, "SATS", "{}")));
    drafts.add(3, bad);
    InvoiceWriter writer = new InvoiceWriter(pool, 64, 1);

    List<Future<Invoice>> results = submitTogether(writer, drafts);

    assertThat(results.get(3).failed()).isTrue();
    assertThat(results.get(3).cause().getMessage()).contains("violates foreign key constraint")
        .contains("store_id_fkey");
    for (int k = 0; k < drafts.size(); k++) {
      if (k != 3) {
        assertThat(results.get(k).result()).isEqualTo(drafts.get(k).invoice());
      }
    }
    assertThat(writer.invoicesWritten()).isEqualTo(6);
    assertThat(gw.sql("SELECT count(*) AS n FROM invoices WHERE store_id = $1", store.id()).get(0).getLong("n"))
        .isEqualTo(6);
    assertThat(gw.sql("SELECT count(*) AS n FROM outbox_events WHERE store_id = $1", store.id()).get(0).getLong("n"))
        .isEqualTo(6);
    String badId = bad.invoice().id();
    assertThat(gw.sql("SELECT id FROM invoices WHERE id = $1", badId)).isEmpty();
    assertThat(gw.sql("SELECT id FROM outbox_events WHERE invoice_id = $1", badId)).isEmpty();
    assertThat(gw.sql("SELECT invoice_id FROM invoice_payment_methods WHERE invoice_id = $1", badId)).isEmpty();
  }
}
