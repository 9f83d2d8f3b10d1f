package me.flashapp.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import me.flashapp.gateway.devnet.BitcoindSimulator;
import me.flashapp.gateway.devnet.LndSimulator;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import me.flashapp.gateway.webhook.WebhookSender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on one database, sharing one bitcoind and one LND (the simulators, as external
 * nodes): every node's POS hub gets every event once and in order whoever numbered it, terminals
 * on either node see the same stream, and webhook deliveries are sent once by the two senders.
 */
class MultiNodeTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  /** What each node's dispatcher handed its listeners (the POS hub gets exactly this). */
  static final List<PublishedEvent> seenByA = new CopyOnWriteArrayList<>();
  static final List<PublishedEvent> seenByB = new CopyOnWriteArrayList<>();
  static TestGateway a;
  static TestGateway b;
  // the one bitcoind and LND both nodes use
  static Vertx vertx;
  static BitcoindSimulator bitcoind;
  static LndSimulator lnd;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    bitcoind = TestGateway.await(BitcoindSimulator.start(vertx));
    lnd = LndSimulator.start(Files.createTempDirectory("lnd-sim"), Bolt11Network.REGTEST, Clock.systemUTC());
    Map<String, String> external = new HashMap<>();
    external.put("bitcoindRpcUrl", bitcoind.rpcUrl());
    external.put("bitcoindRpcUser", BitcoindSimulator.RPC_USER);
    external.put("bitcoindRpcPassword", BitcoindSimulator.RPC_PASSWORD);
    for (String zmq : List.of("bitcoindZmqRawtx", "bitcoindZmqRawblock", "bitcoindZmqSequence")) {
      external.put(zmq, bitcoind.zmqEndpoint());
    }
    external.put("lndGrpcUrl", lnd.grpcUrl());
    external.put("lndMacaroonPath", lnd.macaroonPath().toString());
    external.put("lndTlsCertPath", lnd.certPath().toString());
    a = TestGateway.start(external);
    lnd.setClock(a.clock);
    b = a.startNode(Map.of());
    a.gateway().events().dispatcher().addListener(seenByA::addAll);
    b.gateway().events().dispatcher().addListener(seenByB::addAll);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    lnd.close();
    TestGateway.await(bitcoind.close());
    TestGateway.await(vertx.close());
  }

  static String createInvoice(TestGateway node, String store, long sats) {
    Http.Response r = node.http().post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"" + sats + "\",\"currency\":\"SATS\"}", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("id");
  }

  static void mark(TestGateway node, String store, String invoice, String status) {
    Http.Response r = node.http().post("/api/v1/stores/" + store + "/invoices/" + invoice + "/status",
        new JsonObject().put("status", status).encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  static String status(String store, String invoice) {
    return a.http().get("/api/v1/stores/" + store + "/invoices/" + invoice, ADMIN).json().getString("status");
  }

  /** The store's last seq once nothing is pending: (seq, type, invoiceId) rows from the outbox. */
  static List<String> published(String store) {
    return Eventually.get("all events of " + store + " numbered", () -> {
      var pending = a.sql("SELECT count(*) AS n FROM outbox_unnumbered WHERE store_id = $1", store);
      if (pending.get(0).getLong("n") != 0) {
        return null;
      }
      List<String> out = new ArrayList<>();
      for (JsonObject r : a.sql("SELECT n.store_seq, o.type, o.invoice_id FROM outbox_numbers n"
          + " JOIN outbox_events o ON o.id = n.event_id WHERE n.store_id = $1 ORDER BY n.store_seq", store)) {
        out.add(r.getLong("store_seq") + " " + r.getString("type") + " " + r.getString("invoice_id"));
      }
      return out;
    });
  }

  static List<String> described(List<JsonObject> frames) {
    List<String> out = new ArrayList<>();
    for (JsonObject f : frames) {
      JsonObject e = f.getJsonObject("event");
      out.add(f.getLong("seq") + " " + e.getString("type") + " " + e.getString("invoiceId"));
    }
    return out;
  }

  /** The seqs a node's listeners got for a store, once it has got {@code last}. */
  static List<Long> hubSeqs(List<PublishedEvent> seen, String store, long last) {
    return Eventually.get("hub reached seq " + last, () -> {
      List<Long> seqs = seen.stream().filter(e -> e.storeId().equals(store)).map(PublishedEvent::seq).toList();
      return seqs.contains(last) ? seqs : null;
    });
  }

  static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  @Test
  void everyNodesHubAndTerminalsGetEveryEventOnceInOrderWhicheverNodeNumberedIt() {
    String store = a.createStore("Two nodes");
    assertThat(a.http().put("/api/v1/stores/" + store + "/payment-methods/BTC-LN",
        "{\"enabled\":true,\"config\":{\"connectionString\":\"Internal Node\"}}", ADMIN).status()).isEqualTo(200);
    try (var onA = WsClient.terminal(a.gateway().httpPort(), store, ADMIN, null);
         var onB = WsClient.terminal(b.gateway().httpPort(), store, ADMIN, null)) {
      // through A, through B, and paid on the shared LND (both nodes' listeners see the payment)
      List<String> invoices = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        invoices.add(createInvoice(i % 3 == 2 ? b : a, store, 1000 + i));
      }
      mark(a, store, invoices.get(0), "Settled");
      mark(b, store, invoices.get(1), "Invalid");
      mark(a, store, invoices.get(2), "Settled");
      String hash = a.sql("SELECT payment_hash FROM lightning_invoices WHERE invoice_id = $1", invoices.get(3))
          .get(0).getString("payment_hash");
      lnd.settle(hash, -1);
      Eventually.until("paid on Lightning", () -> status(store, invoices.get(3)).equals("Settled"));
      assertThat(a.sql("SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1", invoices.get(3))
          .get(0).getLong("n")).isEqualTo(1L); // seen by both nodes' listeners, recorded once
      // and concurrently through both nodes, so that both dispatchers number batches
      List<CompletableFuture<String>> burst = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        TestGateway node = i % 2 == 0 ? a : b;
        long sats = 2000 + i;
        burst.add(CompletableFuture.supplyAsync(() -> createInvoice(node, store, sats)));
      }
      burst.forEach(CompletableFuture::join);

      List<String> expected = published(store);
      int n = expected.size();
      assertThat(n).isGreaterThanOrEqualTo(6 + 3 + 2 + 20);
      assertThat(described(onA.events(n))).containsExactlyElementsOf(expected);
      assertThat(described(onB.events(n))).containsExactlyElementsOf(expected);
      assertThat(hubSeqs(seenByA, store, n)).containsExactlyElementsOf(oneTo(n));
      assertThat(hubSeqs(seenByB, store, n)).containsExactlyElementsOf(oneTo(n));
      // nothing stray behind them: the next frame on each terminal is the next event
      createInvoice(b, store, 3000);
      assertThat(onA.next().getLong("seq")).isEqualTo(n + 1L);
      assertThat(onB.next().getLong("seq")).isEqualTo(n + 1L);
      assertThat(hubSeqs(seenByA, store, n + 1)).containsExactlyElementsOf(oneTo(n + 1));
      assertThat(hubSeqs(seenByB, store, n + 1)).containsExactlyElementsOf(oneTo(n + 1));
    }
  }

  @Test
  void aTerminalResumingOnTheOtherNodeGetsExactlyWhatItMissed() {
    String store = a.createStore("Resume");
    long seen;
    try (var onB = WsClient.terminal(b.gateway().httpPort(), store, ADMIN, null)) {
      createInvoice(a, store, 100);
      createInvoice(a, store, 200);
      seen = onB.events(2).get(1).getLong("seq");
    }
    assertThat(seen).isEqualTo(2L);
    String missed = createInvoice(a, store, 300);
    mark(a, store, missed, "Settled");
    createInvoice(b, store, 400);
    List<String> all = published(store);
    try (var again = WsClient.terminal(b.gateway().httpPort(), store, ADMIN, seen)) {
      assertThat(described(again.events(all.size() - 2))).containsExactlyElementsOf(all.subList(2, all.size()));
      JsonObject ack = again.next();
      assertThat(ack.getString("type")).isEqualTo("subscribed");
      assertThat(ack.getLong("seq")).isEqualTo((long) all.size());
      // then live, from whichever node
      createInvoice(a, store, 500);
      assertThat(again.next().getLong("seq")).isEqualTo(all.size() + 1L);
    }
  }

  @Test
  void bothNodesSendWebhooksYetEachDeliveryArrivesOnceAndInOrder() {
    String secret = "whsec-multinode-0123456789";
    Vertx receiverVertx = Vertx.vertx();
    List<String> received = new CopyOnWriteArrayList<>();
    try {
      // answers a little late, so that both nodes' senders see each delivery pending while it is in flight
      HttpServer receiver = TestGateway.await(receiverVertx.createHttpServer().requestHandler(req -> req.body()
          .onSuccess(body -> {
            boolean signed = ("sha256=" + WebhookSender.sign(secret, body.toString())).equals(req.getHeader("BTCPay-Sig"));
            received.add(signed ? new JsonObject(body.toString()).getString("deliveryId") : "bad signature");
            receiverVertx.setTimer(20, t -> req.response().setStatusCode(200).end());
          })).listen(0, "127.0.0.1"));
      String store = a.createStore("Hooks on two nodes");
      Http.Response hook = a.http().post("/api/v1/stores/" + store + "/webhooks", new JsonObject()
          .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook").put("secret", secret).encode(), ADMIN);
      assertThat(hook.status()).isEqualTo(200);
      String hookId = hook.json().getString("id");
      for (int i = 0; i < 12; i++) {
        String invoice = createInvoice(i % 2 == 0 ? a : b, store, 100 + i);
        if (i % 3 == 0) {
          mark(i % 2 == 0 ? b : a, store, invoice, "Settled");
        }
      }
      int events = published(store).size();
      List<String> inOrder = Eventually.get("all deliveries made", () -> {
        var rows = a.sql("SELECT id, status FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY seq", hookId);
        boolean done = rows.size() == events && rows.stream().allMatch(r -> r.getString("status").equals("Delivered"));
        return done ? rows.stream().map(r -> r.getString("id")).toList() : null;
      });
      assertThat(received).containsExactlyElementsOf(inOrder);
      assertThat(a.sql("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = $1"
          + " AND (attempts <> 1 OR lease_until IS NOT NULL)", hookId).get(0).getLong("n")).isZero();
    } finally {
      TestGateway.await(receiverVertx.close());
    }
  }
}
