package me.flashapp.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import me.flashapp.gateway.bitcoin.DerivationScheme;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BTC-CHAIN end to end over real sockets: embedded PostgreSQL, the gateway, the bitcoind simulator. */
class ChainPaymentsTest {
  static final String BIP84_ZPUB =
      "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
  /** Payment tests use their own scheme (legacy addresses), apart from the allocation test's. */
  static final String PAY_SCHEME = "pkh(" + DerivationScheme.parse(ChainPaymentHandler.DEVNET_VPUB, Network.REGTEST)
      .accountKey() + "/0/*)";
  static final String ADMIN = ChainTestSupport.ADMIN;
  static ChainTestSupport t;

  @BeforeAll
  static void start() {
    t = new ChainTestSupport();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void allocatesAddressesInOrderAndRejectsBadKeys() {
    String store = t.store("MediumSpeed", ChainPaymentHandler.DEVNET_VPUB);
    String[] first = t.invoice(store, "0.001");
    String[] second = t.invoice(store, "0.001");
    DerivationScheme scheme = DerivationScheme.parse(ChainPaymentHandler.DEVNET_VPUB, Network.REGTEST);
    assertThat(first[1]).isEqualTo(scheme.deriveAddress(0)).startsWith("bcrt1q");
    assertThat(second[1]).isEqualTo(scheme.deriveAddress(1));
    JsonObject method = t.http().get("/api/v1/stores/" + store + "/invoices/" + first[0] + "/payment-methods", ADMIN)
        .array().getJsonObject(0);
    // with Lightning offered too (dev default), the BIP21 link carries the BOLT11 as well
    assertThat(method.getString("paymentLink")).matches("bitcoin:" + first[1] + "\\?amount=0\\.001(&lightning=LNBCRT\\w+)?");
    assertThat(method.getJsonObject("additionalData").getInteger("index")).isEqualTo(0);

    JsonObject described = t.http().get("/api/v1/stores/" + store + "/payment-methods/BTC-CHAIN", ADMIN).json();
    assertThat(described.getJsonObject("config").getString("derivationScheme")).startsWith("wpkh(");
    assertThat(described.getJsonObject("status").getInteger("nextIndex")).isEqualTo(2);
    assertThat(described.getJsonObject("status").getInteger("gap")).isEqualTo(2);

    for (String bad : List.of("not-a-key", BIP84_ZPUB)) {
      Http.Response r = t.http().put("/api/v1/stores/" + store + "/payment-methods/BTC-CHAIN",
          new JsonObject().put("config", new JsonObject().put("derivationScheme", bad)).encode(), ADMIN);
      assertThat(r.status()).as(r.toString()).isEqualTo(422);
      assertThat(r.body()).contains("config.derivationScheme");
    }
  }

  @Test
  void paidThenMinedSettlesAtMediumSpeed() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    String txid = t.sim.send(inv[1], 100_000);
    t.awaitStatus(store, inv[0], "Processing", null);
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
    assertThat(t.gw.sql("SELECT id, confirmations FROM invoice_payments WHERE invoice_id = $1", inv[0]))
        .singleElement().satisfies(p -> assertThat(p.getString("id")).isEqualTo(txid + "-0"));
    for (String type : List.of("InvoiceReceivedPayment", "InvoicePaymentSettled", "InvoiceProcessing", "InvoiceSettled")) {
      assertThat(t.events(inv[0], type)).as(type).isEqualTo(1);
    }
  }

  @Test
  void highSpeedSettlesUnconfirmed() {
    String store = t.store("HighSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.0005");
    t.sim.send(inv[1], 50_000);
    t.awaitStatus(store, inv[0], "Settled", null);
  }

  @Test
  void partialThenTheRest() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.send(inv[1], 40_000);
    Eventually.until("partial payment seen", () -> t.payments(inv[0]) == 1);
    assertThat(t.invoiceJson(store, inv[0]).getString("status")).isEqualTo("New");
    t.sim.send(inv[1], 60_000);
    t.awaitStatus(store, inv[0], "Processing", null);
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
    assertThat(t.payments(inv[0])).isEqualTo(2);
  }

  @Test
  void overpaymentIsPaidOver() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.send(inv[1], 150_000);
    t.awaitStatus(store, inv[0], "Processing", "PaidOver");
  }

  @Test
  void paymentAfterExpiryIsPaidLate() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.gw.clock.advance(Duration.ofMinutes(16));
    t.sim.send(inv[1], 100_000);
    Eventually.until("late payment recorded", () -> t.payments(inv[0]) == 1);
    Eventually.until("PaidLate", () -> "PaidLate".equals(t.invoiceJson(store, inv[0]).getString("additionalStatus")));
  }

  @Test
  void replacedTransactionNoLongerPays() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    String txid = t.sim.send(inv[1], 100_000);
    t.awaitStatus(store, inv[0], "Processing", null);
    t.sim.replace(txid);
    t.awaitStatus(store, inv[0], "New", null);
    assertThat(t.gw.sql("SELECT valid FROM invoice_payments WHERE invoice_id = $1", inv[0]).get(0).getBoolean("valid"))
        .isFalse();
    t.sim.mine(1);
    assertThat(t.payments(inv[0])).isEqualTo(1);
  }

  @Test
  void reorgDroppingThePaymentTakesItBack() {
    String store = t.store("LowSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    String txid = t.sim.send(inv[1], 100_000);
    t.sim.mine(2);
    Eventually.until("2 confirmations", () -> t.gw.sql("SELECT confirmations FROM invoice_payments WHERE invoice_id = $1",
        inv[0]).stream().anyMatch(p -> p.getInteger("confirmations") == 2));
    t.awaitStatus(store, inv[0], "Processing", null);
    t.sim.reorg(2, List.of(txid));
    t.awaitStatus(store, inv[0], "New", null);
    JsonObject p = t.gw.sql("SELECT valid, confirmations FROM invoice_payments WHERE invoice_id = $1", inv[0]).get(0);
    assertThat(p.getBoolean("valid")).isFalse();
    assertThat(p.getInteger("confirmations")).isZero();
  }

  @Test
  void reorgKeepingThePaymentReconfirmsIt() {
    String store = t.store("LowSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.send(inv[1], 100_000);
    t.sim.mine(2);
    Eventually.until("2 confirmations", () -> t.gw.sql("SELECT confirmations FROM invoice_payments WHERE invoice_id = $1",
        inv[0]).stream().anyMatch(p -> p.getInteger("confirmations") == 2));
    // The new branch (3 blocks) includes the transaction again, at the first new block.
    t.sim.reorg(2, List.of());
    Eventually.until("3 confirmations on the new branch", () -> t.gw.sql(
        "SELECT confirmations, valid FROM invoice_payments WHERE invoice_id = $1", inv[0]).stream()
        .anyMatch(p -> p.getInteger("confirmations") == 3 && p.getBoolean("valid")));
    assertThat(t.invoiceJson(store, inv[0]).getString("status")).isEqualTo("Processing");
  }

  @Test
  void droppedMessagesAreCaughtUp() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.dropNextMessages(2); // the rawtx and its sequence "A"
    t.sim.send(inv[1], 100_000);
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
    assertThat(t.payments(inv[0])).isEqualTo(1);
  }

  @Test
  void duplicatedMessagesCountOnce() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.duplicateNextMessages(100);
    t.sim.send(inv[1], 100_000);
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
    assertThat(t.payments(inv[0])).isEqualTo(1);
    for (String type : List.of("InvoiceReceivedPayment", "InvoicePaymentSettled", "InvoiceProcessing", "InvoiceSettled")) {
      assertThat(t.events(inv[0], type)).as(type).isEqualTo(1);
    }
    t.sim.duplicateNextMessages(0);
  }

  @Test
  void malformedMessagesAreSkipped() {
    byte[] seq = {0, 0, 0, 0};
    t.sim.publishRaw("rawtx".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2, 3}, seq);
    t.sim.publishRaw("rawblock".getBytes(StandardCharsets.US_ASCII), new byte[10], seq);
    t.sim.publishRaw("sequence".getBytes(StandardCharsets.US_ASCII), new byte[5], seq);
    t.sim.publishRaw("rawtx".getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    t.sim.publishRaw("rawtx".getBytes(StandardCharsets.US_ASCII));
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    t.sim.send(inv[1], 100_000);
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
  }

  @Test
  void stoppedGatewayCatchesUpOnStart() {
    String store = t.store("MediumSpeed", PAY_SCHEME);
    String[] inv = t.invoice(store, "0.001");
    String[] mempoolInv = t.invoice(store, "0.001");
    t.gw.restart(() -> {
      t.sim.send(inv[1], 100_000);
      t.sim.mine(2);
      t.sim.send(mempoolInv[1], 100_000);
    });
    t.awaitStatus(store, inv[0], "Settled", null);
    t.awaitStatus(store, mempoolInv[0], "Processing", null);
    assertThat(t.payments(inv[0])).isEqualTo(1);
    assertThat(t.events(inv[0], "InvoiceReceivedPayment")).isEqualTo(1);
    Eventually.until("health up", () -> t.http().get("/api/v1/health", null).json()
        .getJsonObject("dependencies").getJsonObject("bitcoind").getString("status").equals("up"));
  }
}
