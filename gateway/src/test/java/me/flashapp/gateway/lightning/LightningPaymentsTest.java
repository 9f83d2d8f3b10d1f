package me.flashapp.gateway.lightning;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import me.flashapp.gateway.devnet.LndSimulator;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.Sha256;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lightningj.lnd.proto.LightningApi;

/** Dev mode: the gateway starts the LND simulator (gRPC + TLS on loopback) and stores get BTC-LN = Internal Node. */
class LightningPaymentsTest {
  static TestGateway gw;
  static Http http;
  static String store;
  static final String ADMIN = TestGateway.ADMIN_KEY;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    http = gw.http();
    store = gw.createStore("Lightning Cafe");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static LndSimulator sim() {
    return gw.gateway().lightning().simulator();
  }

  /** Creates an invoice of {@code sats} and returns {id, bolt11, paymentHash}. */
  static JsonObject invoice(long sats) {
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"" + sats + "\",\"currency\":\"SATS\"}", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().getString("id");
    JsonObject ln = http.get("/api/v1/stores/" + store + "/invoices/" + id + "/payment-methods", ADMIN).array()
        .stream().map(o -> (JsonObject) o).filter(o -> o.getString("paymentMethodId").equals("BTC-LN")).findFirst()
        .orElseThrow();
    return new JsonObject().put("id", id).put("bolt11", ln.getString("destination"))
        .put("link", ln.getString("paymentLink"))
        .put("paymentHash", ln.getJsonObject("additionalData").getString("paymentHash"))
        .put("createdTime", r.json().getLong("createdTime")).put("expirationTime", r.json().getLong("expirationTime"));
  }

  static String status(String id) {
    JsonObject inv = http.get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json();
    return inv.getString("status") + "/" + inv.getString("additionalStatus");
  }

  static void awaitStatus(String id, String expected) {
    Eventually.until(id + " becomes " + expected, () -> status(id).equals(expected));
  }

  /**
   * A burst of payments is applied several at once; each is recorded exactly once, and the
   * persisted settle index (the watermark a restart resumes from) reaches the last of them.
   */
  @Test
  void aBurstOfPaymentsIsRecordedOnceEachAndTheIndexCatchesUp() {
    List<JsonObject> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      burst.add(invoice(1000 + i));
    }
    burst.forEach(inv -> sim().settle(inv.getString("paymentHash"), -1));
    for (JsonObject inv : burst) {
      awaitStatus(inv.getString("id"), "Settled/None");
      assertThat(gw.sql("SELECT value_sats FROM invoice_payments WHERE invoice_id = $1", inv.getString("id")))
          .singleElement().satisfies(r -> assertThat(r.getLong("value_sats")).isEqualTo(1000L + burst.indexOf(inv)));
    }
    long last = burst.stream().mapToLong(inv -> sim().invoice(inv.getString("paymentHash")).getSettleIndex()).max()
        .orElseThrow();
    Eventually.until("settle index persisted", () -> gw.sql("SELECT settle_index FROM lightning_streams").stream()
        .anyMatch(r -> r.getLong("settle_index") >= last));
  }

  @Test
  void invoiceCarriesAValidBolt11AndSettlesWhenPaid() {
    JsonObject inv = invoice(1234);
    Bolt11Invoice bolt11 = Bolt11.decode(inv.getString("bolt11"));
    assertThat(inv.getString("bolt11")).startsWith("lnbcrt");
    assertThat(inv.getString("link")).isEqualTo("lightning:" + inv.getString("bolt11"));
    assertThat(bolt11.amountMsat().getAsLong()).isEqualTo(1_234_000L);
    assertThat(bolt11.paymentHashHex()).isEqualTo(inv.getString("paymentHash"));
    assertThat(bolt11.timestamp()).isEqualTo(inv.getLong("createdTime"));
    assertThat(bolt11.expiresAt().getEpochSecond()).isEqualTo(inv.getLong("expirationTime"));
    assertThat(bolt11.payeeNodeKeyHex()).isEqualTo(sim().nodePubkeyHex());

    Http.Response paid = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", inv.getString("bolt11")).encode(), ADMIN);
    assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
    assertThat(paid.json().getString("paymentHash")).isEqualTo(inv.getString("paymentHash"));
    awaitStatus(inv.getString("id"), "Settled/None");

    List<String> types = gw.sql("SELECT type FROM outbox_events WHERE invoice_id = $1 ORDER BY id", inv.getString("id"))
        .stream().map(r -> r.getString("type")).toList();
    assertThat(types).containsSubsequence("InvoiceCreated", "InvoiceReceivedPayment", "InvoicePaymentSettled",
        "InvoiceSettled");
    // The settlement writes its payment events and its status events one statement each: every row
    // still carries its own payload, in id order.
    assertThat(gw.sql("SELECT type, payload->>'type' AS ptype FROM outbox_events WHERE invoice_id = $1 ORDER BY id",
        inv.getString("id"))).allSatisfy(r -> assertThat(r.getString("ptype")).isEqualTo(r.getString("type")));
    var payment = gw.sql("SELECT id, value_sats FROM invoice_payments WHERE invoice_id = $1", inv.getString("id"));
    assertThat(payment).hasSize(1);
    assertThat(payment.get(0).getString("id")).isEqualTo(inv.getString("paymentHash"));
    assertThat(payment.get(0).getLong("value_sats")).isEqualTo(1234L);
  }

  /**
   * A settled LND invoice the gateway has no record of (another application on the same node)
   * records nothing, and the stream goes on: the next payment of ours settles, its LND invoice
   * marked settled in the same transaction.
   */
  @Test
  void aSettlementOfAnInvoiceNotOursRecordsNothingAndTheStreamGoesOn() {
    JsonObject foreign = invoice(777);
    gw.sql("DELETE FROM lightning_invoices WHERE payment_hash = $1", foreign.getString("paymentHash"));
    assertThat(sim().settle(foreign.getString("paymentHash"), -1)).isEqualTo(LndSimulator.PayResult.SETTLED);
    JsonObject ours = invoice(778);
    assertThat(sim().settle(ours.getString("paymentHash"), -1)).isEqualTo(LndSimulator.PayResult.SETTLED);
    awaitStatus(ours.getString("id"), "Settled/None"); // applied after the foreign one (or beside it)
    assertThat(gw.sql("SELECT state FROM lightning_invoices WHERE payment_hash = $1", ours.getString("paymentHash"))
        .get(0).getString("state")).isEqualTo("settled");
    assertThat(status(foreign.getString("id"))).isEqualTo("New/None");
    assertThat(gw.sql("SELECT 1 FROM invoice_payments WHERE invoice_id = $1", foreign.getString("id"))).isEmpty();
  }

  @Test
  void overpaymentIsRecordedAsPaidOver() {
    JsonObject inv = invoice(1000);
    assertThat(sim().settle(inv.getString("paymentHash"), 1_500_999)).isEqualTo(LndSimulator.PayResult.SETTLED);
    awaitStatus(inv.getString("id"), "Settled/PaidOver");
    assertThat(gw.sql("SELECT value_sats FROM invoice_payments WHERE invoice_id = $1", inv.getString("id")).get(0)
        .getLong("value_sats")).isEqualTo(1500L); // msat below a sat are floored
  }

  @Test
  void aCutStreamResumesWithNothingLostOrDoubled() {
    JsonObject a = invoice(100);
    JsonObject b = invoice(200);
    JsonObject c = invoice(300);
    sim().pay(a.getString("bolt11"));
    awaitStatus(a.getString("id"), "Settled/None");
    int before = gw.gateway().lightning().listeners().get(0).status().getInteger("connects");
    sim().cutStreams();
    // Paid while the gateway has no stream: picked up by the settle-index replay or the reconcile.
    sim().pay(b.getString("bolt11"));
    Eventually.until("stream back", () -> gw.gateway().lightning().listeners().get(0).status()
        .getInteger("connects") > before && sim().subscriberCount() == 1);
    sim().pay(c.getString("bolt11"));
    for (JsonObject inv : List.of(a, b, c)) {
      awaitStatus(inv.getString("id"), "Settled/None");
      assertThat(gw.sql("SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1", inv.getString("id"))
          .get(0).getLong("n")).isEqualTo(1L);
      assertThat(gw.sql("SELECT count(*) AS n FROM outbox_events WHERE invoice_id = $1 AND type = 'InvoiceSettled'",
          inv.getString("id")).get(0).getLong("n")).isEqualTo(1L);
    }
    Eventually.until("settle index persisted", () -> gw.sql("SELECT settle_index FROM lightning_streams").get(0)
        .getLong("settle_index") >= 3);
  }

  @Test
  void expiryCancelsTheInvoiceOnTheNode() {
    JsonObject inv = invoice(500);
    gw.clock.advance(Duration.ofMinutes(16));
    TestGateway.await(gw.gateway().expirer().sweep());
    assertThat(status(inv.getString("id"))).isEqualTo("Expired/None");
    assertThat(TestGateway.await(gw.gateway().lightning().cancelUnpayable())).isGreaterThanOrEqualTo(1);
    assertThat(sim().invoice(inv.getString("paymentHash")).getState()).isEqualTo(LightningApi.Invoice.InvoiceState.CANCELED);
    Http.Response late = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", inv.getString("bolt11")).encode(), ADMIN);
    assertThat(late.status()).isEqualTo(400);
    assertThat(late.json().getString("code")).isEqualTo("lightning-invoice-canceled");
  }

  @Test
  void anInvoicePaidAnotherWayHasItsLndInvoiceCancelledAndNoOther() {
    JsonObject paidOtherwise = invoice(600);
    JsonObject stillOpen = invoice(601);
    Http.Response marked = http.post("/api/v1/stores/" + store + "/invoices/" + paidOtherwise.getString("id") + "/status",
        "{\"status\":\"Settled\"}", ADMIN);
    assertThat(marked.status()).as(marked.toString()).isEqualTo(200);
    // Marked by the transaction that settled it; the other stays open.
    assertThat(lndState(paidOtherwise)).isEqualTo("closing");
    assertThat(lndState(stillOpen)).isEqualTo("open");

    assertThat(TestGateway.await(gw.gateway().lightning().cancelUnpayable())).isGreaterThanOrEqualTo(1);
    assertThat(sim().invoice(paidOtherwise.getString("paymentHash")).getState())
        .isEqualTo(LightningApi.Invoice.InvoiceState.CANCELED);
    assertThat(lndState(paidOtherwise)).isEqualTo("canceled");
    assertThat(sim().invoice(stillOpen.getString("paymentHash")).getState())
        .isEqualTo(LightningApi.Invoice.InvoiceState.OPEN);
    assertThat(lndState(stillOpen)).isEqualTo("open");
    // Nothing left to cancel: the next round does nothing.
    assertThat(TestGateway.await(gw.gateway().lightning().cancelUnpayable())).isZero();
  }

  @Test
  void aReconnectMarksWhatTheTriggerHadToSkip() {
    // The trigger skips an LND invoice whose row a settlement holds; if that settlement rolled
    // back, the row is still 'open' under an invoice that left New. Made so here by hand.
    JsonObject inv = invoice(602);
    http.post("/api/v1/stores/" + store + "/invoices/" + inv.getString("id") + "/status", "{\"status\":\"Invalid\"}",
        ADMIN);
    gw.sql("UPDATE lightning_invoices SET state = 'open' WHERE payment_hash = $1", inv.getString("paymentHash"));
    TestGateway.await(gw.gateway().lightning().cancelUnpayable());
    assertThat(lndState(inv)).isEqualTo("open"); // the sweep reads 'closing' only
    sim().cutStreams(); // the listener reconnects and reconciles
    Eventually.until("marked closing on reconnect", () -> lndState(inv).equals("closing"));
    assertThat(TestGateway.await(gw.gateway().lightning().cancelUnpayable())).isGreaterThanOrEqualTo(1);
    assertThat(lndState(inv)).isEqualTo("canceled");
    assertThat(sim().invoice(inv.getString("paymentHash")).getState())
        .isEqualTo(LightningApi.Invoice.InvoiceState.CANCELED);
  }

  static String lndState(JsonObject invoice) {
    return gw.sql("SELECT state FROM lightning_invoices WHERE payment_hash = $1", invoice.getString("paymentHash"))
        .get(0).getString("state");
  }

  @Test
  void theDevPayerTakesAnyFormOfTheInvoiceAndRejectsWhatIsNotOne() {
    // As issued, the node knows the invoice by its text; another spelling of it is decoded.
    JsonObject upper = invoice(321);
    Http.Response paid = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", "LIGHTNING:" + upper.getString("bolt11").toUpperCase()).encode(), ADMIN);
    assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
    assertThat(paid.json().getString("paymentHash")).isEqualTo(upper.getString("paymentHash"));
    awaitStatus(upper.getString("id"), "Settled/None");
    Http.Response again = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", upper.getString("bolt11")).encode(), ADMIN);
    assertThat(again.json().getString("status")).isEqualTo("AlreadySettled");

    // One character changed: the checksum fails, a validation error, nothing paid.
    JsonObject open = invoice(322);
    String bolt11 = open.getString("bolt11");
    int at = bolt11.length() - 10;
    String tampered = bolt11.substring(0, at) + (bolt11.charAt(at) == 'q' ? 'p' : 'q') + bolt11.substring(at + 1);
    Http.Response bad = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", tampered).encode(), ADMIN);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("paymentRequest").contains("not a valid BOLT11");
    // Another node's invoice: a valid BOLT11 the devnet node does not have.
    String foreign = Bolt11Builder.forNetwork(Bolt11Network.REGTEST).amountMsat(322_000).paymentHash(new byte[32])
        .paymentSecret(new byte[32]).description("elsewhere").timestamp(1_700_000_000L)
        .sign(new org.bitcoinj.crypto.ECKey());
    Http.Response unknown = http.post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", foreign).encode(), ADMIN);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("lightning-invoice-not-found");
    assertThat(status(open.getString("id"))).isEqualTo("New/None");
    assertThat(gw.sql("SELECT 1 FROM invoice_payments WHERE invoice_id = $1", open.getString("id"))).isEmpty();
  }

  @Test
  void aSettleRacingExpiryIsRecordedAsPaidLate() {
    JsonObject inv = invoice(700);
    gw.clock.advance(Duration.ofMinutes(16));
    // Paid on the node after the expiry time, before the gateway swept it: recorded, PaidLate.
    sim().pay(inv.getString("bolt11"));
    TestGateway.await(gw.gateway().expirer().sweep());
    TestGateway.await(gw.gateway().lightning().cancelUnpayable());
    awaitStatus(inv.getString("id"), "Expired/PaidLate");
    assertThat(gw.sql("SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1", inv.getString("id"))
        .get(0).getLong("n")).isEqualTo(1L);
  }

  @Test
  void badConnectionStringsAre422() {
    for (String cs : List.of("", "type=lnd-rest;server=https://h:1;macaroon=00;certthumbprint=" + "a".repeat(64),
        "type=lnd-grpc;server=http://h:1;macaroon=00;certthumbprint=" + "a".repeat(64),
        "type=lnd-grpc;server=https://h:1;macaroon=zz;certthumbprint=" + "a".repeat(64),
        "type=lnd-grpc;server=https://h:1;macaroon=00",
        "type=lnd-grpc;server=https://h:1;macaroon=00;certthumbprint=abc",
        "type=lnd-grpc;server=https://h:1;macaroonfilepath=/nonexistent/admin.macaroon;certthumbprint=" + "a".repeat(64),
        "type=lnd-grpc;server=https://h:1;macaroon=00;certthumbprint=" + "a".repeat(64) + ";bogus=1")) {
      Http.Response r = http.put("/api/v1/stores/" + store + "/payment-methods/BTC-LN",
          new JsonObject().put("enabled", true).put("config", new JsonObject().put("connectionString", cs)).encode(), ADMIN);
      assertThat(r.status()).as(cs + " → " + r).isEqualTo(422);
      assertThat(r.array().getJsonObject(0).getString("path")).isEqualTo("config.connectionString");
      assertThat(r.body()).doesNotContain("macaroon=00");
    }
    Http.Response ok = http.put("/api/v1/stores/" + store + "/payment-methods/BTC-LN",
        "{\"enabled\":true,\"config\":{\"connectionString\":\"Internal Node\"}}", ADMIN);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
  }

  @Test
  void healthReportsTheNodeAndStream() {
    JsonObject lnd = http.get("/api/v1/health", null).json().getJsonObject("dependencies").getJsonObject("lnd");
    assertThat(lnd.getString("status")).isEqualTo("up");
    assertThat(lnd.getString("stream")).isEqualTo("streaming");
    assertThat(lnd.getString("pubkey")).isEqualTo(sim().nodePubkeyHex());
    assertThat(lnd.containsKey("settleIndex")).isTrue();
  }

  static String storeLn(String storeId) {
    return gw.sql("SELECT enabled, config->>'connectionString' AS cs FROM store_payment_methods WHERE store_id = $1"
        + " AND payment_method_id = 'BTC-LN'", storeId).stream().map(r -> r.getBoolean("enabled") + " " + r.getString("cs"))
        .findFirst().orElse("none");
  }

  @Test
  void onlyAKeyTrustedWithTheInternalNodeMayPointAStoreAtIt() {
    String shop = gw.createStore("Owner's shop");
    assertThat(http.delete("/api/v1/stores/" + shop + "/payment-methods/BTC-LN", ADMIN).status()).isEqualTo(200);
    String internal = "{\"enabled\":true,\"config\":{\"connectionString\":\"Internal Node\"}}";
    String owner = gw.createKey("btcpay.store.canmodifystoresettings:" + shop);
    for (String body : List.of(internal, "{\"config\":{\"connectionString\":\"  internal node \"}}")) {
      Http.Response denied = http.put("/api/v1/stores/" + shop + "/payment-methods/BTC-LN", body, owner);
      assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
      assertThat(denied.json().getString("code")).isEqualTo("missing-permission");
      assertThat(denied.json().getString("message")).contains("btcpay.server.canuseinternallightningnode");
      assertThat(storeLn(shop)).isEqualTo("none");
    }
    // the owner still manages the store's other settings
    assertThat(http.put("/api/v1/stores/" + shop, "{\"name\":\"Renamed\"}", owner).status()).isEqualTo(200);

    for (String trusted : List.of("btcpay.server.canuseinternallightningnode", "btcpay.server.canmodifyserversettings")) {
      assertThat(http.delete("/api/v1/stores/" + shop + "/payment-methods/BTC-LN", ADMIN).status()).isIn(200, 404);
      String key = gw.createKey("btcpay.store.canmodifystoresettings:" + shop, trusted);
      Http.Response ok = http.put("/api/v1/stores/" + shop + "/payment-methods/BTC-LN", internal, key);
      assertThat(ok.status()).as(trusted + " → " + ok).isEqualTo(200);
      assertThat(storeLn(shop)).isEqualTo("true Internal Node");
    }
  }

  /** Greenfield's PUT leaves alone what the body omits: a store owner switches BTC-LN off and on without the config. */
  @Test
  void aMethodIsSwitchedOffAndOnWithoutResendingItsConfig() {
    String shop = gw.createStore("Seasonal");
    String owner = gw.createKey("btcpay.store.canmodifystoresettings:" + shop);
    String path = "/api/v1/stores/" + shop + "/payment-methods/BTC-LN";
    Http.Response off = http.put(path, "{\"enabled\":false}", owner);
    assertThat(off.status()).as(off.toString()).isEqualTo(200);
    assertThat(off.json().getBoolean("enabled")).isFalse();
    assertThat(storeLn(shop)).isEqualTo("false Internal Node");
    assertThat(http.post("/api/v1/stores/" + shop + "/invoices", "{\"amount\":\"10\",\"currency\":\"SATS\"}", ADMIN)
        .json().getString("id")).satisfies(id -> assertThat(gw.sql("SELECT 1 FROM invoice_payment_methods"
            + " WHERE invoice_id = $1 AND payment_method_id = 'BTC-LN'", id)).isEmpty());
    // switching the internal node back on is pointing the store at it again: that needs the server permission
    Http.Response denied = http.put(path, "{\"enabled\":true}", owner);
    assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
    assertThat(storeLn(shop)).isEqualTo("false Internal Node");
    assertThat(http.put(path, "{\"enabled\":true}", ADMIN).status()).isEqualTo(200);
    assertThat(storeLn(shop)).isEqualTo("true Internal Node");
    // any other method the owner switches freely, its config kept
    String chain = "/api/v1/stores/" + shop + "/payment-methods/BTC-CHAIN";
    assertThat(http.put(chain, "{\"enabled\":false}", owner).status()).isEqualTo(200);
    Http.Response on = http.put(chain, "{\"enabled\":true}", owner);
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    assertThat(on.json().getJsonObject("config").getString("derivationScheme")).isNotBlank();

    // with nothing to keep, the config is required, and nothing is written
    assertThat(http.delete(path, ADMIN).status()).isEqualTo(200);
    Http.Response missing = http.put(path, "{\"enabled\":true}", ADMIN);
    assertThat(missing.status()).as(missing.toString()).isEqualTo(422);
    assertThat(missing.array().getJsonObject(0).getString("path")).isEqualTo("config");
    assertThat(storeLn(shop)).isEqualTo("none");
  }

  @Test
  void anInvoiceWithLnurlMetadataCommitsToItsHashNotAMemo() {
    String metadata = "[[\"text/plain\",\"Tip jar \u00e9\"]]";
    Http.Response r = http.post("/api/v1/stores/" + store + "/invoices", new JsonObject().put("amount", "1234")
        .put("currency", "SATS").put("metadata", new JsonObject().put("lnurlMetadata", metadata)).encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String bolt11 = gw.sql("SELECT destination FROM invoice_payment_methods WHERE invoice_id = $1"
        + " AND payment_method_id = 'BTC-LN'", r.json().getString("id")).get(0).getString("destination");
    Bolt11Invoice decoded = Bolt11.decode(bolt11);
    // h is the SHA-256 of the string's UTF-8 bytes, computed here independently of the gateway
    assertThat(decoded.descriptionHash().map(java.util.HexFormat.of()::formatHex)).hasValue(java.util.HexFormat.of()
        .formatHex(Sha256.of(metadata)));
    assertThat(decoded.description()).isEmpty();
    assertThat(decoded.amountMsat().getAsLong()).isEqualTo(1_234_000L);

    Bolt11Invoice plain = Bolt11.decode(invoice(1234).getString("bolt11"));
    assertThat(plain.description()).hasValueSatisfying(d -> assertThat(d).contains("Lightning Cafe"));
    assertThat(plain.descriptionHash()).isEmpty();

    long invoices = gw.count("invoices");
    Http.Response bad = http.post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"1\",\"currency\":\"SATS\",\"metadata\":{\"lnurlMetadata\":[1]}}", ADMIN);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.array().getJsonObject(0).getString("path")).isEqualTo("metadata.lnurlMetadata");
    assertThat(gw.count("invoices")).isEqualTo(invoices);
  }
}
