package me.flashapp.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import me.flashapp.gateway.bitcoin.DerivationScheme;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.bitcoinj.crypto.MnemonicCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dev mode: the gateway starts its own simulator, new stores get the devnet wallet, dev endpoints drive it. */
class DevnetChainTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void devnetWalletIsTheBip84TestAccountOfTheWellKnownMnemonic() {
    List<String> words = List.of("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about".split(" "));
    DeterministicKey key = HDKeyDerivation.createMasterPrivateKey(MnemonicCode.toSeed(words, ""));
    for (ChildNumber c : List.of(new ChildNumber(84, true), new ChildNumber(1, true), new ChildNumber(0, true))) {
      key = HDKeyDerivation.deriveChildKey(key, c);
    }
    assertThat(DerivationScheme.parse(ChainPaymentHandler.DEVNET_VPUB, Network.REGTEST).accountKey())
        .isEqualTo(key.serializePubB58(BitcoinNetwork.TESTNET));
  }

  @Test
  void aSendTheSimulatorCannotFundIsA422AndMinesNothing() {
    Http.Response r = gw.http().post("/api/v1/dev/chain/send",
        "{\"address\":\"bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk\",\"amount\":\"20999999\"}", TestGateway.ADMIN_KEY);
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.array().getJsonObject(0).getString("path")).isEqualTo("amount");
  }

  @Test
  void aNewStoreCanBePaidAtOnceThroughTheDevEndpoints() {
    String store = gw.createStore("Dev shop");
    Http http = gw.http();
    JsonObject inv = http.post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"0.001\",\"currency\":\"BTC\"}", ADMIN)
        .json();
    String id = inv.getString("id");
    String address = http.get("/api/v1/stores/" + store + "/invoices/" + id + "/payment-methods", ADMIN).array()
        .getJsonObject(0).getString("destination");
    assertThat(address).startsWith("bcrt1q");

    String viewer = gw.createKey("btcpay.store.canviewinvoices");
    assertThat(http.post("/api/v1/dev/chain/mine", "{\"blocks\":1}", viewer).status()).isEqualTo(403);
    assertThat(http.post("/api/v1/dev/chain/send", "{\"address\":\"nope\",\"amount\":\"0.001\"}", ADMIN).status())
        .isEqualTo(422);

    Http.Response sent = http.post("/api/v1/dev/chain/send",
        new JsonObject().put("address", address).put("amount", "0.001").encode(), ADMIN);
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    assertThat(sent.json().getString("txid")).hasSize(64);
    Eventually.until("Processing", () -> "Processing".equals(status(store, id)));

    Http.Response mined = http.post("/api/v1/dev/chain/mine", "{\"blocks\":2}", ADMIN);
    assertThat(mined.status()).as(mined.toString()).isEqualTo(200);
    assertThat(mined.json().getJsonArray("hashes")).hasSize(2);
    Eventually.until("Settled", () -> "Settled".equals(status(store, id)));

    Http.Response reorg = http.post("/api/v1/dev/chain/reorg", "{\"depth\":1,\"dropTxids\":[]}", ADMIN);
    assertThat(reorg.status()).as(reorg.toString()).isEqualTo(200);
    Eventually.until("health up", () -> "up".equals(http.get("/api/v1/health", null).json()
        .getJsonObject("dependencies").getJsonObject("bitcoind").getString("status")));
  }

  private static String status(String store, String id) {
    return gw.http().get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json().getString("status");
  }
}
