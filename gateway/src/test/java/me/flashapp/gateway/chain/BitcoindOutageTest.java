package me.flashapp.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import me.flashapp.gateway.bitcoin.DerivationScheme;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.devnet.BitcoindSimulator.RpcFault;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bitcoind unreachable or talking nonsense: health says so, the HTTP API keeps serving, and once
 * the node is back the gateway catches up over RPC (what ZMQ published meanwhile was lost), with
 * every payment recorded once. Its own simulator, since pausing it would disturb other classes.
 */
class BitcoindOutageTest {
  /** An address no store of this gateway watches. */
  static final String UNWATCHED = DerivationScheme.parse(ChainPaymentHandler.DEVNET_VPUB, Network.REGTEST)
      .deriveAddress(1_000_000);
  static ChainTestSupport t;

  @BeforeAll
  static void start() {
    t = new ChainTestSupport();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @BeforeEach
  void bitcoindUp() {
    awaitBitcoind("up");
  }

  @AfterEach
  void healSimulator() {
    t.sim.faultNextRpc(null, 0);
    TestGateway.await(t.sim.resume());
  }

  JsonObject bitcoindHealth() {
    Http.Response r = t.http().get("/api/v1/health", null);
    return r.json().getJsonObject("dependencies").getJsonObject("bitcoind");
  }

  JsonObject awaitBitcoind(String status) {
    return Eventually.get("bitcoind " + status, () -> {
      JsonObject h = bitcoindHealth();
      return status.equals(h.getString("status")) ? h : null;
    });
  }

  @Test
  void downThenBackCatchesUpOverRpc() {
    String store = t.store("MediumSpeed", ChainPaymentsTest.PAY_SCHEME);
    TestGateway.await(t.sim.pause());

    JsonObject down = awaitBitcoind("down");
    assertThat(down.getString("error")).isNotBlank();
    // Backoff: a later failed attempt waits longer than the first one did.
    Eventually.until("retry delay grows", () -> bitcoindHealth().getLong("retryInMillis", 0L) > 1_000);

    // The API does not need bitcoind to hand out addresses.
    String[] mined = t.invoice(store, "0.001");
    String[] unconfirmed = t.invoice(store, "0.001");
    // The node moves on while nobody can hear it: these ZMQ messages are lost for good.
    String minedTxid = t.sim.send(mined[1], 100_000);
    t.sim.mine(1);
    t.sim.send(unconfirmed[1], 100_000);
    assertThat(t.payments(mined[0])).isZero();
    assertThat(bitcoindHealth().getString("status")).isEqualTo("down");

    TestGateway.await(t.sim.resume());
    awaitBitcoind("up");
    t.awaitStatus(store, mined[0], "Settled", null);
    t.awaitStatus(store, unconfirmed[0], "Processing", null);
    assertThat(t.gw.sql("SELECT id FROM invoice_payments WHERE invoice_id = $1", mined[0]))
        .extracting(p -> p.getString("id")).containsExactly(minedTxid + "-0");
    assertThat(t.payments(unconfirmed[0])).isEqualTo(1);
    for (String type : List.of("InvoiceReceivedPayment", "InvoiceProcessing", "InvoiceSettled")) {
      assertThat(t.events(mined[0], type)).as(type).isEqualTo(1);
    }
    assertThat(awaitBitcoind("up").getInteger("height")).isEqualTo(t.sim.height());

    // ZMQ is live again: a new payment arrives and its block confirms it.
    String[] live = t.invoice(store, "0.001");
    t.sim.send(live[1], 100_000);
    t.awaitStatus(store, live[0], "Processing", null);
    t.sim.mine(1);
    t.awaitStatus(store, live[0], "Settled", null);
    t.awaitStatus(store, unconfirmed[0], "Settled", null);
    assertThat(t.payments(live[0])).isEqualTo(1);
  }

  @Test
  void malformedRpcAnswersAreSkippedAndTheListenerRecovers() {
    String store = t.store("MediumSpeed", ChainPaymentsTest.PAY_SCHEME);
    for (RpcFault fault : RpcFault.values()) {
      String[] inv = t.invoice(store, "0.001");
      t.sim.faultNextRpc(fault, Integer.MAX_VALUE);
      payOnlyVisibleOverRpc(inv[1]);
      JsonObject down = awaitBitcoind("down");
      assertThat(down.getString("error")).as(fault.name()).contains("rpc ");
      assertThat(t.payments(inv[0])).as(fault.name()).isZero();
      assertThat(t.invoice(store, "0.001")).as("API serves during " + fault).hasSize(2);

      t.sim.faultNextRpc(null, 0);
      awaitBitcoind("up");
      t.awaitStatus(store, inv[0], "Processing", null);
      assertThat(t.payments(inv[0])).as(fault.name()).isEqualTo(1);
    }
    // A single bad answer: the catch-up fails once, the retry gets the payment.
    String[] inv = t.invoice(store, "0.001");
    t.sim.faultNextRpc(RpcFault.GARBAGE_JSON, 1);
    payOnlyVisibleOverRpc(inv[1]);
    t.awaitStatus(store, inv[0], "Processing", null);
    awaitBitcoind("up");
    t.sim.mine(1);
    t.awaitStatus(store, inv[0], "Settled", null);
    assertThat(t.payments(inv[0])).isEqualTo(1);
  }

  /**
   * Pays {@code address} with its ZMQ messages dropped, then sends an unrelated transaction whose
   * messages reveal the sequence gap: the payment can only be found by a catch-up over RPC.
   */
  static void payOnlyVisibleOverRpc(String address) {
    t.sim.dropNextMessages(2); // rawtx and sequence "A"
    t.sim.send(address, 100_000);
    t.sim.send(UNWATCHED, 10_000);
  }
}
