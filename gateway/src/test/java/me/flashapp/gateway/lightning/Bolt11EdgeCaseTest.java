package me.flashapp.gateway.lightning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import me.flashapp.gateway.bitcoin.Bech32;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our own invoices round-trip; amounts are exact; malformed and tampered invoices fail clearly. */
class Bolt11EdgeCaseTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ECKey KEY = ECKey.fromPrivate(HEX.parseHex(Bolt11SpecVectors.PRIV_KEY));
  private static final byte[] HASH = HEX.parseHex("ab".repeat(32));
  private static final long NOW = 1_700_000_000L;

  private static Bolt11Builder minimal(Bolt11Network network) {
    return Bolt11Builder.forNetwork(network).timestamp(NOW).paymentHash(HASH).description("test");
  }

  @ParameterizedTest
  @CsvSource({"MAINNET, lnbc", "TESTNET, lntb", "SIGNET, lntbs", "REGTEST, lnbcrt"})
  void networksRoundTrip(Bolt11Network network, String prefix) {
    String s = minimal(network).amountMsat(1_000L).sign(KEY);
    assertThat(s).startsWith(prefix + "10n1");
    Bolt11Invoice inv = Bolt11.decode(s);
    assertThat(inv.network()).isEqualTo(network);
    assertThat(inv.amountMsat()).hasValue(1_000L);
    assertThat(inv.payeeNodeKeyHex()).isEqualTo(Bolt11SpecVectors.PUB_KEY);
  }

  @Test
  void everyFieldRoundTripsWithAFreshKeyAndExplicitPayee() {
    ECKey node = new ECKey();
    byte[] secret = HEX.parseHex("22".repeat(32));
    String longDescription = "é".repeat(Bolt11Builder.MAX_DESCRIPTION_BYTES / 2) + "x"; // 639 UTF-8 bytes
    List<Bolt11Invoice.RouteHop> route = List.of(new Bolt11Invoice.RouteHop(node.getPubKey(), 0xFFFFFFFFFFFFFFFFL,
        0xFFFFFFFFL, 0, 0xFFFF));
    String s = Bolt11Builder.forNetwork(Bolt11Network.REGTEST).timestamp((1L << 35) - 1).amountMsat(21_000_000L * 100_000_000_000L)
        .paymentHash(HASH).paymentSecret(secret).description(longDescription).expirySeconds(86_400)
        .minFinalCltvExpiryDelta(144).features(8, 14, 17).payeeNodeKey(node.getPubKey())
        .fallback(1, new byte[32]).routeHint(route).sign(node);
    assertThat(s.length()).isGreaterThan(1000); // far past bech32's 90 characters
    Bolt11Invoice inv = Bolt11.decode(s.toUpperCase());
    assertThat(inv.amountMsat()).hasValue(2_100_000_000_000_000_000L);
    assertThat(inv.timestamp()).isEqualTo((1L << 35) - 1);
    assertThat(inv.paymentSecret()).hasValueSatisfying(v -> assertThat(v).isEqualTo(secret));
    assertThat(inv.description()).contains(longDescription);
    assertThat(inv.expirySeconds()).isEqualTo(86_400);
    assertThat(inv.minFinalCltvExpiryDelta()).isEqualTo(144);
    assertThat(inv.features().stream().boxed().toList()).containsExactly(8, 14, 17);
    assertThat(inv.payeeNodeKey()).isEqualTo(node.getPubKey());
    assertThat(inv.fallbacks()).containsExactly(new Bolt11Invoice.Fallback(1, new byte[32]));
    assertThat(inv.routeHints()).containsExactly(route);
    assertThat(inv.isExpired(Instant.ofEpochSecond(NOW))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "1, 10p", "10, 100p", "100, 1n", "1000, 10n", "100000, 1u", "250000000, 2500u", "100000000, 1m",
      "100000000000, 1", "2100000000000000000, 21000000", "967878534, 9678785340p", "123456789012345, 1234567890123450p"})
  void amountsUseTheShortestExactForm(long msat, String hrpAmount) {
    assertThat(Bolt11.formatAmount(msat)).isEqualTo(hrpAmount);
    assertThat(Bolt11.parseAmount(hrpAmount)).isEqualTo(msat);
  }

  @ParameterizedTest
  @ValueSource(strings = {"100000000000m", "92233720368547758080p", "9223372036854775808", "93000000000000u", "99999999999999999999999"})
  void amountOverflowIsRejected(String amount) {
    assertThatThrownBy(() -> Bolt11.parseAmount(amount)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("overflow");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0m", "m", "1.5m", "-1m", "1mm", "25x", "15p", "1 m"})
  void badAmountsAreRejected(String amount) {
    assertThatThrownBy(() -> Bolt11.parseAmount(amount)).isInstanceOf(Bolt11Exception.class);
  }

  @Test
  void overflowingAmountInAWholeInvoice() {
    Bech32.Decoded valid = Bech32.decode(minimal(Bolt11Network.MAINNET).sign(KEY));
    String overflow = Bech32.encode(Bech32.Encoding.BECH32, "lnbc100000000000m", valid.data());
    assertThatThrownBy(() -> Bolt11.decode(overflow)).isInstanceOf(Bolt11Exception.class).hasMessageContaining("overflows");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lnxy", "lnltc", "bc", "lnbcx", "lntbs1x"})
  void unknownCurrencyOrPrefixIsRejected(String hrp) {
    Bech32.Decoded valid = Bech32.decode(minimal(Bolt11Network.MAINNET).sign(KEY));
    String other = Bech32.encode(Bech32.Encoding.BECH32, hrp, valid.data());
    assertThatThrownBy(() -> Bolt11.decode(other)).isInstanceOf(Bolt11Exception.class);
  }

  @Test
  void bech32mChecksumIsRejected() {
    Bech32.Decoded valid = Bech32.decode(minimal(Bolt11Network.MAINNET).sign(KEY));
    String m = Bech32.encode(Bech32.Encoding.BECH32M, valid.hrp(), valid.data());
    assertThatThrownBy(() -> Bolt11.decode(m)).hasMessageContaining("bech32m");
  }

  @Test
  void tamperingChangesTheRecoveredPayeeAndFailsAgainstAnExplicitOne() {
    String honest = minimal(Bolt11Network.MAINNET).amountMsat(1_000L).sign(KEY);
    // Same data, bigger amount, fresh checksum: recovery yields some other key, never the payee's.
    String tampered = Bech32.encode(Bech32.Encoding.BECH32, "lnbc1m", Bech32.decode(honest).data());
    assertThat(Bolt11.decode(tampered).payeeNodeKeyHex()).isNotEqualTo(Bolt11SpecVectors.PUB_KEY);

    String withN = minimal(Bolt11Network.MAINNET).amountMsat(1_000L).payeeNodeKey(KEY.getPubKey()).sign(KEY);
    String tamperedN = Bech32.encode(Bech32.Encoding.BECH32, "lnbc1m", Bech32.decode(withN).data());
    assertThatThrownBy(() -> Bolt11.decode(tamperedN)).isInstanceOf(Bolt11Exception.class)
        .hasMessageContaining("does not match the payee key");
  }

  @Test
  void highSSignatureIsRejected() {
    String honest = minimal(Bolt11Network.MAINNET).sign(KEY);
    Bech32.Decoded d = Bech32.decode(honest);
    int sigStart = d.data().length - 104;
    byte[] sig = Bech32.convertBits(d.data(), sigStart, 104, 5, 8, false);
    BigInteger n = ECKey.ecDomainParameters().getN();
    BigInteger highS = n.subtract(new BigInteger(1, Arrays.copyOfRange(sig, 32, 64)));
    byte[] s32 = highS.toByteArray();
    Arrays.fill(sig, 32, 64, (byte) 0);
    System.arraycopy(s32, Math.max(0, s32.length - 32), sig, 64 - Math.min(32, s32.length), Math.min(32, s32.length));
    sig[64] ^= 1; // (r, n - s) recovers the same key with the other parity
    byte[] words = Arrays.copyOf(d.data(), d.data().length);
    System.arraycopy(Bech32.toWords(sig), 0, words, sigStart, 104);
    String malleated = Bech32.encode(Bech32.Encoding.BECH32, d.hrp(), words);
    assertThatThrownBy(() -> Bolt11.decode(malleated)).hasMessageContaining("low-S");
  }

  @Test
  void missingPaymentHashIsRejected() {
    assertThatThrownBy(() -> Bolt11Builder.forNetwork(Bolt11Network.MAINNET).timestamp(NOW).description("x").sign(KEY))
        .hasMessageContaining("payment hash not set");
    Bolt11Builder noHash = Bolt11Builder.forNetwork(Bolt11Network.MAINNET).timestamp(NOW).description("x");
    noHash.hasPaymentHash = true; // bypass the builder's own check to produce a signed invoice without p
    String s = Bolt11.encode(noHash, KEY);
    assertThatThrownBy(() -> Bolt11.decode(s)).hasMessageContaining("missing payment hash");
  }

  @Test
  void truncatedFieldsAreRejected() {
    Bech32.Decoded valid = Bech32.decode(minimal(Bolt11Network.MAINNET).sign(KEY));
    byte[] words = valid.data().clone();
    words[7 + 1] = 31; // the first field's data_length now runs into the signature
    String bad = Bech32.encode(Bech32.Encoding.BECH32, valid.hrp(), words);
    assertThatThrownBy(() -> Bolt11.decode(bad)).hasMessageContaining("runs into the signature");
    assertThatThrownBy(() -> Bolt11.decode("lnbc1qqqqqqqqqqqqqqqqqq")).isInstanceOf(Bolt11Exception.class);
  }

  @Test
  void builderRefusesOutOfRangeValues() {
    Bolt11Builder b = Bolt11Builder.forNetwork(Bolt11Network.MAINNET);
    assertThatThrownBy(() -> b.amountMsat(0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> b.timestamp(1L << 35)).hasMessageContaining("35 bits");
    assertThatThrownBy(() -> b.paymentHash(new byte[31])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> b.description("x".repeat(640))).hasMessageContaining("639");
    assertThatThrownBy(() -> b.payeeNodeKey(new byte[33])).hasMessageContaining("compressed public key");
    assertThatThrownBy(() -> b.expirySeconds(-1)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Bolt11Builder.forNetwork(Bolt11Network.MAINNET).paymentHash(HASH).sign(KEY))
        .hasMessageContaining("timestamp not set");
  }

  @Test
  void defaultExpiryIsAnHour() {
    Bolt11Invoice inv = Bolt11.decode(minimal(Bolt11Network.MAINNET).sign(KEY));
    assertThat(inv.expirySeconds()).isEqualTo(3600);
    assertThat(inv.isExpired(Instant.ofEpochSecond(NOW + 3599))).isFalse();
    assertThat(inv.isExpired(Instant.ofEpochSecond(NOW + 3600))).isTrue();
    assertThat(inv.toString()).contains("MAINNET").doesNotContain("secret");
  }
}
