package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Locale;
import me.flashapp.gateway.bitcoin.Bech32.Bech32Exception;
import me.flashapp.gateway.bitcoin.Bech32.Encoding;
import me.flashapp.gateway.bitcoin.Bech32.WitnessProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Test vectors of BIP173 and BIP350 ("Test vectors" appendices). */
class Bech32Test {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @ValueSource(strings = {
      "A12UEL5L",
      "a12uel5l",
      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
      "?1ezyfcl"})
  void bip173ValidBech32(String s) {
    Bech32.Decoded d = Bech32.decode(s, Bech32.SEGWIT_MAX_LENGTH);
    assertThat(d.encoding()).isEqualTo(Encoding.BECH32);
    // Re-encoding reproduces the string (in lower case).
    assertThat(Bech32.encode(Encoding.BECH32, d.hrp(), d.data())).isEqualTo(s.toLowerCase(Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "A1LQFN3A",
      "a1lqfn3a",
      "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa"})
  void bip350ValidBech32m(String s) {
    Bech32.Decoded d = Bech32.decode(s, Bech32.SEGWIT_MAX_LENGTH);
    assertThat(d.encoding()).isEqualTo(Encoding.BECH32M);
    assertThat(Bech32.encode(Encoding.BECH32M, d.hrp(), d.data())).isEqualTo(s.toLowerCase(Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // BIP173 invalid Bech32
      "\u00201nwldj5", "\u007f1axkwrx", "\u00801eym55h",
      "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
      "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u00ff", "A1G7SGD8",
      "10a06t8", "1qzzfhee",
      // BIP350 invalid Bech32m
      "\u00201xj0phk", "\u007f1g6xzxy", "\u00801vctc34",
      "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
      "qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i",
      "au1s5cgom", "M1VUXWEZ", "16plkw9", "1p2gdwpf"})
  void invalidStrings(String s) {
    assertThatThrownBy(() -> Bech32.decode(s, Bech32.SEGWIT_MAX_LENGTH)).isInstanceOf(Bech32Exception.class);
  }

  @Test
  void noLengthLimitByDefault() {
    // The 84-character-HRP vectors fail BIP173 only on length: their checksums are valid.
    String s = "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx";
    assertThat(Bech32.decode(s).hrp()).startsWith("an84");
    byte[] words = new byte[1500];
    for (int i = 0; i < words.length; i++) {
      words[i] = (byte) (i % 32);
    }
    String longOne = Bech32.encode(Encoding.BECH32, "lnbc", words);
    assertThat(Bech32.decode(longOne).data()).isEqualTo(words);
  }

  @ParameterizedTest
  @CsvSource({
      // BIP350 valid segwit addresses (supersede BIP173's for v1+)
      "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4, 0014751e76e8199196d454941c45d1b3a323f1433bd6",
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7, 00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y, 5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
      "BC1SW50QGDZ25J, 6002751e",
      "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs, 5210751e76e8199196d454941c45d1b3a323",
      "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy, 0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
      "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c, 5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0, 512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"})
  void validSegwitAddresses(String address, String scriptPubKeyHex) {
    String hrp = address.substring(0, 2).toLowerCase(Locale.ROOT);
    WitnessProgram w = Bech32.decodeSegwit(hrp, address);
    byte[] script = HEX.parseHex(scriptPubKeyHex);
    // scriptPubKey = OP_n (0x00 or 0x50+n) || push(len) || program
    int expectedVersion = script[0] == 0 ? 0 : script[0] - 0x50;
    assertThat(w.version()).isEqualTo(expectedVersion);
    assertThat(script[1]).isEqualTo((byte) w.program().length);
    assertThat(HEX.formatHex(w.program())).isEqualTo(scriptPubKeyHex.substring(4));
    assertThat(Bech32.encodeSegwit(hrp, w.version(), w.program())).isEqualTo(address.toLowerCase(Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // BIP350 invalid segwit addresses
      "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
      "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
      "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
      "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
      "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
      "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
      "bc1pw5dgrnzv",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
      "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
      "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
      "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
      "bc1gmk9yu",
      // BIP173 invalid segwit addresses
      "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
      "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
      "bc1rw5uspcuh",
      "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
      "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
      // BIP173 valid v1+ addresses: Bech32 where BIP350 now requires Bech32m
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
      "BC1SW50QA3JX3S",
      "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj"})
  void invalidSegwitAddresses(String address) {
    String hrp = address.toLowerCase(Locale.ROOT).startsWith("tb") ? "tb" : "bc";
    assertThatThrownBy(() -> Bech32.decodeSegwit(hrp, address)).isInstanceOf(Bech32Exception.class);
  }

  @Test
  void convertBitsRoundTrip() {
    byte[] bytes = HEX.parseHex("00ff7f80010203fe");
    byte[] words = Bech32.toWords(bytes);
    assertThat(words).hasSize(13); // ceil(64 / 5)
    assertThat(Bech32.fromWords(words)).isEqualTo(bytes);
  }

  @Test
  void convertBitsRejectsOutOfRangeAndBadPadding() {
    assertThatThrownBy(() -> Bech32.fromWords(new byte[] {32})).isInstanceOf(Bech32Exception.class);
    // 2 words = 10 bits: one byte plus 2 bits that must be zero.
    assertThat(Bech32.fromWords(new byte[] {31, 28})).containsExactly((byte) 0xff);
    assertThatThrownBy(() -> Bech32.fromWords(new byte[] {31, 29})).hasMessageContaining("non-zero padding");
    // 1 word = 5 bits: not even one byte, and 5 bits is more padding than allowed.
    assertThatThrownBy(() -> Bech32.fromWords(new byte[] {0})).hasMessageContaining("padding");
  }
}
