package me.flashapp.gateway.lightning;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.devnet.LndSimulator;
import me.flashapp.gateway.devnet.SelfSignedTls;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway against an LND it does not own (the simulator, outliving gateway restarts), as
 * configured with GATEWAY_LND_GRPC_URL / _MACAROON_PATH / _TLS_CERT_PATH.
 */
class ExternalNodeTest {
  static LndSimulator sim;
  static TestGateway gw;
  static String store;
  static final String ADMIN = TestGateway.ADMIN_KEY;

  @BeforeAll
  static void start() throws Exception {
    sim = LndSimulator.start(Files.createTempDirectory("lnd-sim"), Bolt11Network.REGTEST, Clock.systemUTC());
    gw = TestGateway.start(settings(sim.macaroonPath(), sim.certPath()));
    sim.setClock(gw.clock);
    store = gw.createStore("External");
    Http.Response r = gw.http().put("/api/v1/stores/" + store + "/payment-methods/BTC-LN",
        "{\"enabled\":true,\"config\":{\"connectionString\":\"Internal Node\"}}", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    gw.close();
    sim.close();
  }

  static Map<String, String> settings(Path macaroon, Path cert) {
    return Map.of("lndGrpcUrl", sim.grpcUrl(), "lndMacaroonPath", macaroon.toString(), "lndTlsCertPath", cert.toString());
  }

  static JsonObject invoice(long sats) {
    Http.Response r = gw.http().post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"" + sats + "\",\"currency\":\"SATS\"}", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().getString("id");
    var row = gw.sql("SELECT payment_hash FROM lightning_invoices WHERE invoice_id = $1", id).get(0);
    return new JsonObject().put("id", id).put("hash", row.getString("payment_hash"));
  }

  static String status(String id) {
    JsonObject inv = gw.http().get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json();
    return inv.getString("status") + "/" + inv.getString("additionalStatus");
  }

  static long payments(String id) {
    return gw.sql("SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1", id).get(0).getLong("n");
  }

  @Test
  void invoicesPaidWhileTheGatewayIsDownAreRecordedOnceAfterRestart() {
    JsonObject a = invoice(100);
    JsonObject b = invoice(200);
    JsonObject c = invoice(300);
    sim.settle(a.getString("hash"), -1);
    Eventually.until("a settled", () -> status(a.getString("id")).equals("Settled/None"));
    gw.restart(() -> {
      sim.settle(b.getString("hash"), -1);
      sim.settle(c.getString("hash"), -1);
    });
    for (JsonObject inv : List.of(a, b, c)) {
      Eventually.until(inv + " settled", () -> status(inv.getString("id")).equals("Settled/None"));
      assertThat(payments(inv.getString("id"))).isEqualTo(1L);
    }
    Eventually.until("settle index persisted", () -> gw.sql("SELECT settle_index FROM lightning_streams").get(0)
        .getLong("settle_index") >= 3);
    gw.restart(); // replaying from the persisted index records nothing twice
    JsonObject d = invoice(400);
    sim.settle(d.getString("hash"), -1);
    Eventually.until("d settled", () -> status(d.getString("id")).equals("Settled/None"));
    for (JsonObject inv : List.of(a, b, c, d)) {
      assertThat(payments(inv.getString("id"))).isEqualTo(1L);
    }
  }

  static String foreignInvoice(long msat) {
    byte[] hash = new byte[32];
    new java.security.SecureRandom().nextBytes(hash);
    return Bolt11Builder.forNetwork(Bolt11Network.REGTEST).amountMsat(msat).timestamp(gw.clock.instant().getEpochSecond())
        .paymentHash(hash).description("payout").expirySeconds(3600).sign(new ECKey());
  }

  static Payouts payouts() {
    return gw.gateway().lightning().payouts();
  }

  @Test
  void payoutSucceedsOnceWithPreimageAndFee() {
    String bolt11 = foreignInvoice(50_000_000);
    Payouts.Payout p = TestGateway.await(payouts().pay("payout-ok", bolt11));
    assertThat(p.status()).isEqualTo("succeeded");
    assertThat(p.preimage()).hasSize(64);
    assertThat(p.feeMsat()).isEqualTo(50_000L);
    Payouts.Payout again = TestGateway.await(payouts().pay("payout-ok", bolt11));
    assertThat(again).isEqualTo(p);
    assertThat(sim.router().acceptedAttempts(p.paymentHash())).isEqualTo(1);
  }

  @Test
  void payoutFailureIsRecordedWithItsReason() {
    String bolt11 = foreignInvoice(10_000);
    sim.router().failPaymentsTo(Bolt11.decode(bolt11).paymentHashHex());
    Payouts.Payout p = TestGateway.await(payouts().pay("payout-fail", bolt11));
    assertThat(p.status()).isEqualTo("failed");
    assertThat(p.failureReason()).isEqualTo("FAILURE_REASON_NO_ROUTE");
  }

  @Test
  void anInFlightPayoutIsTrackedAcrossARestartAndNeverPaidTwice() {
    String bolt11 = foreignInvoice(2_000_000);
    String hash = Bolt11.decode(bolt11).paymentHashHex();
    sim.router().holdPayments(true);
    Future<Payouts.Payout> pending = payouts().pay("payout-held", bolt11);
    Eventually.until("in flight", () -> "in-flight".equals(
        gw.sql("SELECT status FROM lightning_payouts WHERE id = 'payout-held'").get(0).getString("status")));
    assertThat(pending.isComplete()).isFalse();
    gw.restart(() -> sim.router().releaseHeld());
    Eventually.until("succeeded after restart", () -> "succeeded".equals(
        gw.sql("SELECT status FROM lightning_payouts WHERE id = 'payout-held'").get(0).getString("status")));
    Payouts.Payout p = TestGateway.await(payouts().pay("payout-held", bolt11));
    assertThat(p.status()).isEqualTo("succeeded");
    assertThat(sim.router().acceptedAttempts(hash)).isEqualTo(1);
  }

  /**
   * Payment methods are prepared before the invoice's transaction opens. A node that cannot answer
   * does not stop a sale on-chain can take (the invoice is offered without BTC-LN, as BTCPay does);
   * with no method left, the request fails with a 503 naming the method and nothing is written (no
   * invoice, no event, no address row), and no pooled connection waited in an open transaction.
   */
  @Test
  void anUnreachableNodeLeavesItsMethodOutOrFailsTheInvoiceWritingNothing() throws Exception {
    int closed = TestGateway.closedPort();
    String shop = gw.createStore("Node down");
    String methods = "/api/v1/stores/" + shop + "/payment-methods/";
    Http.Response set = gw.http().put(methods + "BTC-LN", new JsonObject()
        .put("config", new JsonObject().put("connectionString", "type=lnd-grpc;server=https://127.0.0.1:" + closed
            + ";macaroon=0201;certthumbprint=" + "ab".repeat(32))).encode(), ADMIN);
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    String body = "{\"amount\":\"500\",\"currency\":\"SATS\"}";

    Http.Response chainOnly = gw.http().post("/api/v1/stores/" + shop + "/invoices", body, ADMIN);
    assertThat(chainOnly.status()).as(chainOnly.toString()).isEqualTo(200);
    assertThat(gw.sql("SELECT payment_method_id FROM invoice_payment_methods WHERE invoice_id = $1",
        chainOnly.json().getString("id"))).extracting(r -> r.getString("payment_method_id")).containsExactly("BTC-CHAIN");

    assertThat(gw.http().put(methods + "BTC-CHAIN", "{\"enabled\":false}", ADMIN).status()).isEqualTo(200);
    Http.Response none = gw.http().post("/api/v1/stores/" + shop + "/invoices", body, ADMIN);
    assertThat(none.status()).as(none.toString()).isEqualTo(503);
    assertThat(none.json().getString("code")).isEqualTo("payment-method-unavailable");
    assertThat(none.json().getString("message")).contains("BTC-LN");
    assertThat(gw.sql("SELECT id FROM invoices WHERE store_id = $1", shop)).hasSize(1);
    assertThat(gw.sql("SELECT id FROM outbox_events WHERE store_id = $1 AND type = 'InvoiceCreated'", shop)).hasSize(1);
    assertThat(gw.sql("SELECT id FROM chain_addresses WHERE store_id = $1", shop)).hasSize(1);
    assertThat(gw.sql("SELECT state FROM pg_stat_activity WHERE datname = current_database()"
        + " AND state LIKE 'idle in transaction%'")).isEmpty();
  }

  @Test
  void aWrongMacaroonOrCertificateIsAClearErrorInHealth() throws Exception {
    Path dir = Files.createTempDirectory("bad-lnd-creds");
    Path badMacaroon = Files.write(dir.resolve("other.macaroon"), new byte[] {1, 2, 3, 4});
    Path otherCert = Files.writeString(dir.resolve("other.cert"), SelfSignedTls.generate().certificatePem());
    try (TestGateway bad = TestGateway.start(settings(badMacaroon, sim.certPath()))) {
      JsonObject lnd = Eventually.get("macaroon error", () -> {
        JsonObject h = bad.http().get("/api/v1/health", null).json().getJsonObject("dependencies").getJsonObject("lnd");
        return h.getString("error", "").contains("macaroon") ? h : null;
      });
      assertThat(lnd.getString("status")).isEqualTo("down");
      assertThat(lnd.getString("error")).contains("LND rejected the macaroon").doesNotContain("01020304");
    }
    try (TestGateway bad = TestGateway.start(settings(sim.macaroonPath(), otherCert))) {
      JsonObject lnd = Eventually.get("certificate error", () -> {
        JsonObject h = bad.http().get("/api/v1/health", null).json().getJsonObject("dependencies").getJsonObject("lnd");
        return h.getString("error", "").contains("certificate") ? h : null;
      });
      assertThat(lnd.getString("status")).isEqualTo("down");
      assertThat(lnd.getString("error")).contains("TLS certificate check failed");
    }
  }
}
