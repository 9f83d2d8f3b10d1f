package me.flashapp.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on POSTs: replays, conflicts, concurrency and per-caller scope. */
class IdempotencyTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;
  static Http http;
  static String store;
  static String path;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    http = gw.http();
    store = gw.createStore("Idem");
    path = "/api/v1/stores/" + store + "/invoices";
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static Http.Response post(String body, String key, String idem) {
    return http.send("POST", path, body, key, Map.of("Idempotency-Key", idem));
  }

  static long invoicesWithOrder(String orderId) {
    return gw.sql("SELECT count(*) AS n FROM invoices WHERE order_id = $1", orderId).get(0).getLong("n");
  }

  /**
   * A replay is answered before the payment methods are prepared: no new LND invoice, and no
   * address index burnt (each would widen the gap a merchant's wallet must scan).
   */
  @Test
  void aReplayTakesNoAddressIndexAndNoNodeInvoice() {
    String body = "{\"amount\":\"3.00\",\"metadata\":{\"orderId\":\"no-waste\"}}";
    assertThat(post(body, ADMIN, "no-waste-1").status()).isEqualTo(200);
    long nextIndex = nextAddressIndex();
    long nodeInvoices = gw.gateway().lightning().simulator().invoiceCount();
    for (int i = 0; i < 3; i++) {
      assertThat(post(body, ADMIN, "no-waste-1").status()).isEqualTo(200);
    }
    assertThat(post("{\"amount\":\"4.00\"}", ADMIN, "no-waste-1").status()).isEqualTo(422);
    assertThat(nextAddressIndex()).isEqualTo(nextIndex);
    assertThat(gw.gateway().lightning().simulator().invoiceCount()).isEqualTo(nodeInvoices);
    assertThat(invoicesWithOrder("no-waste")).isEqualTo(1);
  }

  static long nextAddressIndex() {
    return http.get("/api/v1/stores/" + store + "/payment-methods/BTC-CHAIN", ADMIN).json().getJsonObject("status")
        .getLong("nextIndex");
  }

  @Test
  void theSameKeyAndBodyReplayTheFirstResponse() {
    String body = "{\"amount\":\"2.00\",\"metadata\":{\"orderId\":\"replay\"}}";
    Http.Response first = post(body, ADMIN, "replay-1");
    assertThat(first.status()).isEqualTo(200);
    long events = gw.count("outbox_events");
    for (int i = 0; i < 3; i++) {
      Http.Response again = post(body, ADMIN, "replay-1");
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header("Content-Type")).isEqualTo("application/json");
    }
    assertThat(invoicesWithOrder("replay")).isEqualTo(1);
    assertThat(gw.count("outbox_events")).isEqualTo(events);
    var row = gw.sql("SELECT status_code, response_body FROM idempotency_keys WHERE idem_key = 'replay-1'");
    assertThat(row).hasSize(1);
    assertThat(row.get(0).getInteger("status_code")).isEqualTo(200);
    assertThat(row.get(0).getString("response_body")).isEqualTo(first.body());
    // without the header, the same body makes a new invoice
    assertThat(http.post(path, body, ADMIN).status()).isEqualTo(200);
    assertThat(invoicesWithOrder("replay")).isEqualTo(2);
  }

  @Test
  void theSameKeyWithAnotherRequestIs422() {
    Http.Response first = post("{\"amount\":\"2.00\",\"metadata\":{\"orderId\":\"conflict\"}}", ADMIN, "conflict-1");
    assertThat(first.status()).isEqualTo(200);
    long before = gw.count("invoices");
    Http.Response other = post("{\"amount\":\"3.00\",\"metadata\":{\"orderId\":\"conflict\"}}", ADMIN, "conflict-1");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.array().getJsonObject(0).getString("path")).isEqualTo("Idempotency-Key");
    // the same body for another store is another request too
    Http.Response otherRoute = http.send("POST", "/api/v1/stores/" + gw.createStore("Other") + "/invoices",
        "{\"amount\":\"2.00\",\"metadata\":{\"orderId\":\"conflict\"}}", ADMIN, Map.of("Idempotency-Key", "conflict-1"));
    assertThat(otherRoute.status()).isEqualTo(422);
    assertThat(gw.count("invoices")).isEqualTo(before);
    assertThat(invoicesWithOrder("conflict")).isEqualTo(1);
  }

  @Test
  void aRejectedRequestDoesNotUseUpItsKey() {
    Http.Response bad = post("{\"amount\":\"-1\"}", ADMIN, "retry-1");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(gw.sql("SELECT 1 FROM idempotency_keys WHERE idem_key = 'retry-1'")).isEmpty();
    Http.Response good = post("{\"amount\":\"1.00\",\"metadata\":{\"orderId\":\"retry\"}}", ADMIN, "retry-1");
    assertThat(good.status()).isEqualTo(200);
    assertThat(invoicesWithOrder("retry")).isEqualTo(1);
  }

  @Test
  void aMalformedKeyIs400() {
    long before = gw.count("invoices");
    for (String idem : List.of(" ", "k".repeat(256))) {
      Http.Response r = post("{\"amount\":\"1.00\"}", ADMIN, idem);
      assertThat(r.status()).as("'" + idem + "'").isEqualTo(400);
      assertThat(r.json().getString("code")).isEqualTo("invalid-idempotency-key");
    }
    assertThat(post("{\"amount\":\"1.00\"}", ADMIN, "k".repeat(255)).status()).isEqualTo(200);
    assertThat(gw.count("invoices")).isEqualTo(before + 1);
  }

  @Test
  void concurrentRequestsWithOneKeyCreateExactlyOneInvoice() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // a few rounds, each with its own key, so the requests really overlap at least once
      for (int round = 0; round < 3; round++) {
        String order = "race-" + round;
        String body = "{\"amount\":\"7.00\",\"metadata\":{\"orderId\":\"" + order + "\"}}";
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Response>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          futures.add(pool.submit(() -> {
            go.await();
            return post(body, ADMIN, order);
          }));
        }
        go.countDown();
        List<Http.Response> responses = new ArrayList<>();
        for (Future<Http.Response> f : futures) {
          responses.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(responses.stream().map(Http.Response::body).distinct()).hasSize(1);
        assertThat(invoicesWithOrder(order)).isEqualTo(1);
        String id = gw.sql("SELECT id FROM invoices WHERE order_id = $1", order).get(0).getString("id");
        assertThat(responses.get(0).body()).contains(id);
        assertThat(gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1", id)).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keysArePerCaller() {
    String alice = gw.createKey("btcpay.store.canmodifyinvoices:" + store);
    String bob = gw.createKey("btcpay.store.canmodifyinvoices:" + store);
    String body = "{\"amount\":\"4.00\",\"metadata\":{\"orderId\":\"per-caller\"}}";
    Http.Response a = post(body, alice, "shared-1");
    Http.Response b = post(body, bob, "shared-1");
    assertThat(a.status()).isEqualTo(200);
    assertThat(b.status()).isEqualTo(200);
    assertThat(a.json().getString("id")).isNotEqualTo(b.json().getString("id"));
    assertThat(invoicesWithOrder("per-caller")).isEqualTo(2);
    // each still replays its own
    assertThat(post(body, alice, "shared-1").body()).isEqualTo(a.body());
    assertThat(post(body, bob, "shared-1").body()).isEqualTo(b.body());
    // and a different body under Bob's key does not collide with Alice's record
    assertThat(post("{\"amount\":\"5.00\"}", bob, "shared-2").status()).isEqualTo(200);
    assertThat(invoicesWithOrder("per-caller")).isEqualTo(2);
  }
}
