package me.flashapp.gateway.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Builder;
import me.flashapp.gateway.lightning.Bolt11Invoice;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The devnet LND in a process of its own (here its own server on loopback, as the load runs start
 * it), and a dev-mode gateway connected to it as to a real node: new stores get BTC-LN on it, its
 * payer settles their invoices, and bad payer requests change nothing.
 */
class DevnetLndTest {
  static DevnetLnd lnd;
  static TestGateway gw;
  static Http payer;
  static final String ADMIN = TestGateway.ADMIN_KEY;

  @BeforeAll
  static void start() throws Exception {
    lnd = DevnetLnd.start(Files.createTempDirectory("devnet-lnd"), Bolt11Network.REGTEST, 0, 0);
    gw = TestGateway.start(Map.of("lndGrpcUrl", lnd.node().grpcUrl(),
        "lndMacaroonPath", lnd.node().macaroonPath().toString(), "lndTlsCertPath", lnd.node().certPath().toString()));
    lnd.node().setClock(gw.clock);
    payer = new Http(URI.create(lnd.payerUrl()).getPort());
  }

  @AfterAll
  static void stop() {
    gw.close();
    lnd.close();
  }

  /** A new store's invoice of {@code sats}: {id, bolt11}. */
  static JsonObject invoice(String store, long sats) {
    Http.Response r = gw.http().post("/api/v1/stores/" + store + "/invoices",
        "{\"amount\":\"" + sats + "\",\"currency\":\"SATS\"}", ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().getString("id");
    var methods = gw.http().get("/api/v1/stores/" + store + "/invoices/" + id + "/payment-methods", ADMIN).array();
    String bolt11 = methods.stream().map(m -> (JsonObject) m).filter(m -> m.getString("paymentMethodId").equals("BTC-LN"))
        .findFirst().orElseThrow(() -> new AssertionError("no BTC-LN in " + methods)).getString("destination");
    return new JsonObject().put("id", id).put("bolt11", bolt11);
  }

  static String status(String store, String id) {
    return gw.http().get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json().getString("status");
  }

  static Http.Response pay(String body) {
    return payer.post(DevnetLnd.PAY_PATH, body, null);
  }

  @Test
  void aNewStoreGetsTheExternalNodeAndItsPayerSettlesTheInvoiceOnce() {
    String store = gw.createStore("Beside a devnet LND");
    JsonObject inv = invoice(store, 2_100);
    Bolt11Invoice decoded = Bolt11.decode(inv.getString("bolt11"));
    assertThat(decoded.amountMsat()).hasValue(2_100_000L);
    assertThat(decoded.payeeNodeKeyHex()).isEqualTo(lnd.node().nodePubkeyHex()); // made by the external node

    // the gateway has no dev endpoint of its own for a node it does not run
    assertThat(gw.http().post("/api/v1/dev/lightning/pay",
        new JsonObject().put("paymentRequest", inv.getString("bolt11")).encode(), ADMIN).status()).isEqualTo(404);

    Http.Response paid = pay(new JsonObject().put("paymentRequest", inv.getString("bolt11")).encode());
    assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
    assertThat(paid.json().getString("paymentHash")).isEqualTo(decoded.paymentHashHex());
    assertThat(paid.json().getString("status")).isEqualTo("Settled");
    Eventually.until("settled", () -> status(store, inv.getString("id")).equals("Settled"));

    Http.Response again = pay(new JsonObject().put("paymentRequest", inv.getString("bolt11")).encode());
    assertThat(again.json().getString("status")).isEqualTo("AlreadySettled");
    var rows = gw.sql("SELECT count(*) AS n, sum(value_sats) AS sats FROM invoice_payments WHERE invoice_id = $1",
        inv.getString("id"));
    assertThat(rows.get(0).getLong("n")).isEqualTo(1L);
    assertThat(rows.get(0).getLong("sats")).isEqualTo(2_100L);
  }

  @Test
  void badPayerRequestsGetClearErrorsAndSettleNothing() {
    String store = gw.createStore("Bad payer requests");
    JsonObject inv = invoice(store, 500);
    int before = paymentsRecorded();

    assertThat(pay("{not json").status()).isEqualTo(400);
    assertThat(pay("[1,2]").status()).isEqualTo(400);
    Http.Response wrongType = pay("{\"paymentRequest\": 42}");
    assertThat(wrongType.status()).isEqualTo(422);
    assertThat(wrongType.json().getString("message")).contains("paymentRequest");
    assertThat(pay("{\"paymentRequest\": \"lnbcrt1notaninvoice\"}").status()).isEqualTo(422);
    assertThat(pay("{\"paymentRequest\": \"" + "x".repeat(9000) + "\"}").status()).isEqualTo(413);
    // a valid invoice of another node: decoded, but this node has no such invoice
    String foreign = Bolt11Builder.forNetwork(Bolt11Network.REGTEST).amountMsat(1_000)
        .timestamp(gw.clock.instant().getEpochSecond()).paymentHash(new byte[32]).description("elsewhere")
        .expirySeconds(600).sign(new org.bitcoinj.crypto.ECKey());
    Http.Response unknown = pay(new JsonObject().put("paymentRequest", foreign).encode());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("lightning-invoice-not-found");
    assertThat(payer.get(DevnetLnd.PAY_PATH, null).status()).isEqualTo(405);
    assertThat(payer.post("/elsewhere", "{}", null).status()).isEqualTo(404);

    assertThat(paymentsRecorded()).isEqualTo(before);
    assertThat(status(store, inv.getString("id"))).isEqualTo("New");
  }

  private static int paymentsRecorded() {
    return gw.sql("SELECT count(*) AS n FROM invoice_payments").get(0).getLong("n").intValue();
  }
}
