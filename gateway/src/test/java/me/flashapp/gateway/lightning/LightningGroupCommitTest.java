package me.flashapp.gateway.lightning;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Settlements that arrive while the listener's transactions are all open wait, and then go
 * together in one transaction (a group commit). Made deterministic by holding the row locks of
 * the invoices the open transactions settle, so they cannot finish until the test lets them.
 */
class LightningGroupCommitTest {
  static TestGateway gw;
  static String store;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    store = gw.createStore("Group commit cafe");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** {id, paymentHash} of a new invoice of {@code sats}. */
  static JsonObject invoice(long sats) {
    return invoiceOf(store, sats);
  }

  static JsonObject invoiceOf(String storeId, long sats) {
    var r = gw.http().post("/api/v1/stores/" + storeId + "/invoices",
        new JsonObject().put("amount", Long.toString(sats)).put("currency", "SATS").encode(), TestGateway.ADMIN_KEY);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().getString("id");
    String hash = gw.sql("SELECT payment_hash FROM lightning_invoices WHERE invoice_id = $1", id).get(0)
        .getString("payment_hash");
    return new JsonObject().put("id", id).put("paymentHash", hash);
  }

  static JsonObject listener() {
    return gw.gateway().lightning().listeners().get(0).status();
  }

  static void pay(JsonObject inv) {
    assertThat(gw.gateway().lightning().simulator().settle(inv.getString("paymentHash"), -1))
        .isEqualTo(me.flashapp.gateway.devnet.LndSimulator.PayResult.SETTLED);
  }

  /** The transaction ids (xmin) that wrote the payments of {@code invoiceIds}. */
  static List<String> writers(List<String> invoiceIds) {
    return gw.sql("SELECT xmin::text AS tx FROM invoice_payments WHERE invoice_id = ANY($1) ORDER BY received_at, id",
        (Object) invoiceIds.toArray(new String[0])).stream().map(r -> r.getString("tx")).toList();
  }

  static long events(String invoiceId, String type) {
    return gw.sql("SELECT count(*) AS n FROM outbox_events WHERE invoice_id = $1 AND type = $2", invoiceId, type)
        .get(0).getLong("n");
  }

  /**
   * Pays as many invoices as the listener keeps transactions open, their rows held locked by the
   * test (each of those transactions then waits on one), pays {@code queued} (they must wait for a
   * transaction), then lets go.
   */
  static void payBehindBlockedTransactions(List<JsonObject> queued) {
    int open = LightningListener.MAX_TRANSACTIONS_AT_ONCE;
    List<JsonObject> blockers = new ArrayList<>();
    for (int i = 0; i < open; i++) {
      blockers.add(invoice(300 + i));
    }
    List<String> blockerIds = blockers.stream().map(b -> b.getString("id")).toList();
    SqlConnection holder = TestGateway.await(gw.gateway().database().pool().getConnection());
    try {
      TestGateway.await(holder.query("BEGIN").execute());
      TestGateway.await(holder.preparedQuery("SELECT id FROM invoices WHERE id = ANY($1) FOR UPDATE")
          .execute(Tuple.of(blockerIds.toArray(new String[0]))));
      blockers.forEach(LightningGroupCommitTest::pay);
      Eventually.until("every transaction open", () -> listener().getInteger("applying") == open);
      queued.forEach(LightningGroupCommitTest::pay);
      Eventually.until("the rest queued", () -> listener().getInteger("queued") == queued.size());
      assertThat(listener().getInteger("applying")).isEqualTo(open);
    } finally {
      TestGateway.await(holder.query("ROLLBACK").execute());
      holder.close();
    }
    Eventually.until("the blockers settled", () -> writers(blockerIds).size() == open);
  }

  @Test
  void settlementsThatWaitedAreAppliedTogetherInOneTransactionEachOnce() {
    List<JsonObject> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(invoice(1000 + i));
    }
    payBehindBlockedTransactions(queued);
    List<String> ids = queued.stream().map(i -> i.getString("id")).toList();
    Eventually.until("all ten recorded", () -> writers(ids).size() == 10);
    assertThat(Set.copyOf(writers(ids))).hasSize(1); // one transaction wrote them all
    for (int i = 0; i < queued.size(); i++) {
      String id = ids.get(i);
      long sats = 1000L + i;
      assertThat(gw.sql("SELECT status, value_sats FROM invoices i JOIN invoice_payments p ON p.invoice_id = i.id"
          + " WHERE i.id = $1", id)).singleElement().satisfies(r -> {
            assertThat(r.getString("status")).isEqualTo("Settled");
            assertThat(r.getLong("value_sats")).isEqualTo(sats);
          });
      for (String type : List.of("InvoiceReceivedPayment", "InvoicePaymentSettled", "InvoiceSettled")) {
        assertThat(events(id, type)).as(id + " " + type).isEqualTo(1);
      }
    }
    assertThat(listener().getInteger("queued")).isZero();
  }

  /**
   * A settlement transaction numbers its own events (no numbering transaction follows it): the
   * numbers are written by the transaction that wrote the payments, consecutive for the store,
   * and a terminal gets the events live in that order, each once.
   */
  @Test
  void aGroupNumbersItsEventsInItsOwnTransactionAndATerminalGetsThemInOrder() {
    String shop = gw.createStore("Numbering in the settlement");
    try (var terminal = me.flashapp.gateway.testing.WsClient.terminal(gw.gateway().httpPort(), shop,
        TestGateway.ADMIN_KEY, null)) {
      List<JsonObject> queued = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        queued.add(invoiceOf(shop, 2000 + i));
      }
      payBehindBlockedTransactions(queued);
      List<String> ids = queued.stream().map(i -> i.getString("id")).toList();
      Eventually.until("all four recorded", () -> writers(ids).size() == 4);
      String writer = writers(ids).get(0);
      // every event of the four payments: numbered by the transaction that recorded them
      List<JsonObject> numbers = gw.sql("SELECT n.xmin::text AS tx, n.store_seq, o.id, o.type, o.invoice_id"
          + " FROM outbox_events o JOIN outbox_numbers n ON n.event_id = o.id"
          + " WHERE o.invoice_id = ANY($1) AND o.type <> 'InvoiceCreated' ORDER BY n.store_seq",
          (Object) ids.toArray(new String[0]));
      assertThat(numbers).hasSize(4 * 4).allSatisfy(r -> assertThat(r.getString("tx")).isEqualTo(writer));
      long first = numbers.get(0).getLong("store_seq");
      for (int k = 0; k < numbers.size(); k++) {
        assertThat(numbers.get(k).getLong("store_seq")).isEqualTo(first + k);
      }
      assertThat(gw.sql("SELECT count(*) AS n FROM outbox_unnumbered WHERE store_id = $1", shop).get(0).getLong("n"))
          .isZero();
      // the terminal: the four creations, then the sixteen settlement events (four each) in seq order, once
      List<JsonObject> live = terminal.events(4 + numbers.size());
      assertThat(live.subList(4, live.size())).extracting(e -> e.getLong("seq"))
          .containsExactlyElementsOf(numbers.stream().map(r -> r.getLong("store_seq")).toList());
      assertThat(live.subList(4, live.size())).extracting(e -> e.getJsonObject("event").getString("type"))
          .containsExactlyElementsOf(numbers.stream().map(r -> r.getString("type")).toList());
      assertThat(live).extracting(e -> e.getLong("seq")).doesNotHaveDuplicates();
    }
  }

  /**
   * Two LND invoices of one gateway invoice in one batch would each read its payments without the
   * other's: that batch is refused and its settlements applied one by one, each counted.
   */
  @Test
  void twoSettlementsOfOneInvoiceInABatchAreAppliedOneByOne() {
    JsonObject x = invoice(1000);
    JsonObject y = invoice(1000);
    JsonObject z = invoice(1000);
    // y's LND invoice now pays x, as a second payment request of the same invoice would
    gw.sql("UPDATE lightning_invoices SET invoice_id = $1 WHERE payment_hash = $2", x.getString("id"),
        y.getString("paymentHash"));
    payBehindBlockedTransactions(List.of(x, y, z));
    Eventually.until("x paid twice, z once",
        () -> writers(List.of(x.getString("id"))).size() == 2 && writers(List.of(z.getString("id"))).size() == 1);
    Set<String> txs = writers(List.of(x.getString("id"), z.getString("id"))).stream().collect(Collectors.toSet());
    assertThat(txs).hasSize(3); // the batch rolled back; each applied in a transaction of its own
    // the second payment finds it Settled, which it stays (no second InvoiceSettled)
    assertThat(gw.sql("SELECT status FROM invoices WHERE id = $1", x.getString("id")).get(0).getString("status"))
        .isEqualTo("Settled");
    assertThat(gw.sql("SELECT sum(value_sats)::bigint AS s FROM invoice_payments WHERE invoice_id = $1",
        x.getString("id")).get(0).getLong("s")).isEqualTo(2000L);
    assertThat(events(x.getString("id"), "InvoiceReceivedPayment")).isEqualTo(2);
    assertThat(events(x.getString("id"), "InvoiceSettled")).isEqualTo(1);
    assertThat(gw.sql("SELECT 1 FROM invoice_payments WHERE invoice_id = $1", y.getString("id"))).isEmpty();
  }
}
