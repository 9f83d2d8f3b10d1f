package me.flashapp.gateway.lightning;

import static me.flashapp.gateway.lightning.Bolt11SpecVectors.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import me.flashapp.gateway.lightning.Bolt11Invoice.Fallback;
import me.flashapp.gateway.lightning.Bolt11Invoice.RouteHop;
import org.bitcoinj.base.Base58;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BOLT #11 examples: every valid one decodes to the documented fields, and re-encoding the same
 * fields with the spec's private key reproduces the spec's string exactly (RFC 6979 signatures).
 */
class Bolt11Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final ECKey KEY = ECKey.fromPrivate(HEX.parseHex(PRIV_KEY));
  private static final byte[] HASH = HEX.parseHex(PAYMENT_HASH);
  private static final byte[] CAKE_HASH = Sha256Hash.hash(CAKE.getBytes(StandardCharsets.UTF_8));
  private static final byte[] SECRET = HEX.parseHex("11".repeat(32));

  private static Bolt11Builder mainnet() {
    return Bolt11Builder.forNetwork(Bolt11Network.MAINNET).timestamp(TIMESTAMP);
  }

  /** The 20-byte hash of a base58check address. */
  private static byte[] base58Hash(String address) {
    return Arrays.copyOfRange(Base58.decodeChecked(address), 1, 21);
  }

  /**
   * The recovery id is computed from the nonce point, not found by trial recovery: over many keys
   * and messages, a reader recovering the payee from the signature must find the signer every time
   * (both parities of R.y occur, and low-S flips half of them).
   */
  @Test
  void everySignatureRecoversItsSigner() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] priv = new byte[32];
      random.nextBytes(priv);
      priv[0] &= 0x7f; // below the curve order
      priv[31] |= 1;
      ECKey key = ECKey.fromPrivate(priv);
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      String invoice = mainnet().amountMsat(1_000L * (i + 1)).paymentHash(hash).description("r" + i).sign(key);
      assertThat(Bolt11.decode(invoice).payeeNodeKey()).as("invoice %d", i).isEqualTo(key.getPubKey());
    }
  }

  @Test
  void donationAnyAmount() {
    Bolt11Invoice inv = Bolt11.decode(DONATION);
    assertThat(inv.network()).isEqualTo(Bolt11Network.MAINNET);
    assertThat(inv.amountMsat()).isEmpty();
    assertThat(inv.timestamp()).isEqualTo(TIMESTAMP);
    assertThat(inv.paymentHashHex()).isEqualTo(PAYMENT_HASH);
    assertThat(inv.description()).contains("Please consider supporting this project");
    assertThat(inv.descriptionHash()).isEmpty();
    assertThat(inv.paymentSecret()).isEmpty();
    assertThat(inv.expirySeconds()).isEqualTo(3600);
    assertThat(inv.minFinalCltvExpiryDelta()).isEqualTo(18);
    assertThat(inv.payeeNodeKeyHex()).isEqualTo(PUB_KEY);
    assertThat(inv.features().isEmpty()).isTrue();
    assertThat(inv.paymentRequest()).isEqualTo(DONATION);

    assertThat(mainnet().paymentHash(HASH).description("Please consider supporting this project").sign(KEY))
        .isEqualTo(DONATION);
  }

  @Test
  void coffeeWithAmountAndExpiry() {
    Bolt11Invoice inv = Bolt11.decode(COFFEE);
    assertThat(inv.amountMsat()).hasValue(250_000_000L); // 2500u = 0.0025 BTC
    assertThat(inv.description()).contains("1 cup coffee");
    assertThat(inv.expirySeconds()).isEqualTo(60);
    assertThat(inv.payeeNodeKeyHex()).isEqualTo(PUB_KEY);
    assertThat(inv.expiresAt()).isEqualTo(Instant.ofEpochSecond(TIMESTAMP + 60));
    assertThat(inv.isExpired(Instant.ofEpochSecond(TIMESTAMP + 59))).isFalse();
    assertThat(inv.isExpired(Instant.ofEpochSecond(TIMESTAMP + 60))).isTrue();

    assertThat(mainnet().amountMsat(250_000_000L).paymentHash(HASH).description("1 cup coffee").expirySeconds(60)
        .sign(KEY)).isEqualTo(COFFEE);
  }

  @Test
  void utf8Description() {
    Bolt11Invoice inv = Bolt11.decode(NONSENSE);
    assertThat(inv.description()).contains("ナンセンス 1杯");
    assertThat(inv.amountMsat()).hasValue(250_000_000L);
    assertThat(mainnet().amountMsat(250_000_000L).paymentHash(HASH).description("ナンセンス 1杯").expirySeconds(60)
        .sign(KEY)).isEqualTo(NONSENSE);
  }

  @Test
  void descriptionHash() {
    Bolt11Invoice inv = Bolt11.decode(HASHED);
    assertThat(inv.amountMsat()).hasValue(2_000_000_000L); // 20m
    assertThat(inv.description()).isEmpty();
    assertThat(inv.descriptionHash()).hasValueSatisfying(h -> assertThat(h).isEqualTo(CAKE_HASH));
    assertThat(inv.payeeNodeKeyHex()).isEqualTo(PUB_KEY);
    assertThat(mainnet().amountMsat(2_000_000_000L).paymentHash(HASH).descriptionHash(CAKE_HASH).sign(KEY))
        .isEqualTo(HASHED);
  }

  @Test
  void testnetWithP2pkhFallback() {
    Bolt11Invoice inv = Bolt11.decode(TESTNET_P2PKH);
    assertThat(inv.network()).isEqualTo(Bolt11Network.TESTNET);
    byte[] pkh = base58Hash("mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP");
    assertThat(inv.fallbacks()).containsExactly(new Fallback(17, pkh));
    assertThat(inv.paymentHashHex()).isEqualTo(PAYMENT_HASH);
    assertThat(Bolt11Builder.forNetwork(Bolt11Network.TESTNET).timestamp(TIMESTAMP).amountMsat(2_000_000_000L)
        .descriptionHash(CAKE_HASH).paymentHash(HASH).fallback(17, pkh).sign(KEY)).isEqualTo(TESTNET_P2PKH);
  }

  @Test
  void fallbackAndRouteHints() {
    Bolt11Invoice inv = Bolt11.decode(ROUTES);
    byte[] pkh = base58Hash("1RustyRX2oai4EYYDpQGWvEL62BBGqN9T");
    assertThat(inv.fallbacks()).containsExactly(new Fallback(17, pkh));
    List<RouteHop> route = List.of(
        new RouteHop(HEX.parseHex("029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255"),
            0x0102030405060708L, 1, 20, 3),
        new RouteHop(HEX.parseHex("039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255"),
            0x030405060708090aL, 2, 30, 4));
    assertThat(inv.routeHints()).containsExactly(route);
    assertThat(mainnet().amountMsat(2_000_000_000L).paymentHash(HASH).descriptionHash(CAKE_HASH).fallback(17, pkh)
        .routeHint(route).sign(KEY)).isEqualTo(ROUTES);
  }

  @Test
  void p2shAndSegwitFallbacks() {
    byte[] sh = base58Hash("3EktnHQD7RiAE6uzMj2ZifT9YgRrkSgzQX");
    assertThat(Bolt11.decode(P2SH).fallbacks()).containsExactly(new Fallback(18, sh));
    assertThat(mainnet().amountMsat(2_000_000_000L).descriptionHash(CAKE_HASH).paymentHash(HASH).fallback(18, sh)
        .sign(KEY)).isEqualTo(P2SH);

    byte[] wpkh = HEX.parseHex("751e76e8199196d454941c45d1b3a323f1433bd6");
    assertThat(Bolt11.decode(P2WPKH).fallbacks()).containsExactly(new Fallback(0, wpkh));
    assertThat(mainnet().amountMsat(2_000_000_000L).descriptionHash(CAKE_HASH).paymentHash(HASH).fallback(0, wpkh)
        .sign(KEY)).isEqualTo(P2WPKH);

    byte[] wsh = HEX.parseHex("1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262");
    assertThat(Bolt11.decode(P2WSH).fallbacks()).containsExactly(new Fallback(0, wsh));
    assertThat(mainnet().amountMsat(2_000_000_000L).descriptionHash(CAKE_HASH).paymentHash(HASH).fallback(0, wsh)
        .sign(KEY)).isEqualTo(P2WSH);
  }

  @Test
  void picoAmountExpiryCltvAndRoute() {
    Bolt11Invoice inv = Bolt11.decode(PICO);
    assertThat(inv.amountMsat()).hasValue(967_878_534L);
    assertThat(inv.timestamp()).isEqualTo(1572468703L);
    assertThat(inv.paymentHashHex()).isEqualTo("462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f");
    assertThat(inv.description()).contains("Blockstream Store: 88.85 USD for Blockstream Ledger Nano S x 1, "
        + "\"Back In My Day\" Sticker x 2, \"I Got Lightning Working\" Sticker x 2 and 1 more items");
    assertThat(inv.expirySeconds()).isEqualTo(604800);
    assertThat(inv.minFinalCltvExpiryDelta()).isEqualTo(10);
    RouteHop hop = inv.routeHints().get(0).get(0);
    assertThat(HEX.formatHex(hop.nodeId())).isEqualTo("03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7");
    assertThat(hop.shortChannelIdString()).isEqualTo("589390x3312x1");
    assertThat(hop.feeBaseMsat()).isEqualTo(1000);
    assertThat(hop.feeProportionalMillionths()).isEqualTo(2500);
    assertThat(hop.cltvExpiryDelta()).isEqualTo(40);
    assertThat(inv.payeeNodeKeyHex()).isEqualTo(PUB_KEY);

    assertThat(Bolt11Builder.forNetwork(Bolt11Network.MAINNET).timestamp(1572468703L).amountMsat(967_878_534L)
        .paymentHash(inv.paymentHash()).description(inv.description().orElseThrow()).expirySeconds(604800)
        .minFinalCltvExpiryDelta(10).routeHint(inv.routeHints().get(0)).sign(KEY)).isEqualTo(PICO);
  }

  @Test
  void secretAndFeatures() {
    for (String s : List.of(FEATURES, FEATURES_UPPER, IGNORED_FIELDS)) {
      Bolt11Invoice inv = Bolt11.decode(s);
      assertThat(inv.amountMsat()).hasValue(2_500_000_000L);
      assertThat(inv.description()).contains("coffee beans");
      assertThat(inv.paymentSecret()).hasValueSatisfying(x -> assertThat(x).isEqualTo(SECRET));
      assertThat(inv.features().stream().boxed().toList()).containsExactly(9, 15, 99);
      assertThat(inv.unknownRequiredFeatures()).isEmpty();
      assertThat(inv.paymentHashHex()).isEqualTo(PAYMENT_HASH); // the 51/53-word p fields are skipped
      assertThat(inv.descriptionHash()).isEmpty();
      assertThat(inv.fallbacks()).isEmpty(); // version 19 is ignored
      assertThat(inv.payeeNodeKeyHex()).isEqualTo(PUB_KEY); // malformed n fields skipped: recovered
    }
    assertThat(mainnet().amountMsat(2_500_000_000L).paymentHash(HASH).description("coffee beans")
        .paymentSecret(SECRET).features(9, 15, 99).sign(KEY)).isEqualTo(FEATURES);
  }

  @Test
  void unknownEvenFeatureIsReported() {
    Bolt11Invoice inv = Bolt11.decode(UNKNOWN_FEATURE_100);
    assertThat(inv.unknownRequiredFeatures()).containsExactly(100);
  }

  @Test
  void invalidSpecExamples() {
    assertThatThrownBy(() -> Bolt11.decode(BAD_CHECKSUM)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("checksum");
    assertThatThrownBy(() -> Bolt11.decode(NO_SEPARATOR)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("separator");
    assertThatThrownBy(() -> Bolt11.decode(MIXED_CASE)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("mixed-case");
    assertThatThrownBy(() -> Bolt11.decode(NOT_RECOVERABLE)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("not recoverable");
    assertThatThrownBy(() -> Bolt11.decode(TOO_SHORT)).isInstanceOf(Bolt11Exception.class);
    assertThatThrownBy(() -> Bolt11.decode(BAD_MULTIPLIER)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> Bolt11.decode(SUB_MSAT)).isInstanceOf(Bolt11Exception.class)
        .hasMessageContaining("sub-millisatoshi");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lightning:", "LIGHTNING:"})
  void acceptsLightningUriPrefix(String prefix) {
    assertThat(Bolt11.decode(prefix + COFFEE).paymentHashHex()).isEqualTo(PAYMENT_HASH);
    assertThat(Bolt11.decode(prefix + COFFEE).paymentRequest()).isEqualTo(COFFEE);
  }
}
