package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import me.flashapp.gateway.card.SunException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Bolt Card spec's SUN test vectors (boltcard/boltcard docs/TEST_VECTORS.md). */
class SunDecoderTest {
  private static final HexFormat HEX = HexFormat.of();
  static final byte[] K1 = HEX.parseHex("0c3b25d92b38ae443229dd59ad34b85d");
  static final byte[] K2 = HEX.parseHex("b45775776cb224c75bcde7ca3704e933");

  @ParameterizedTest
  @CsvSource({
      "4E2E289D945A66BB13377A728884E867, E19CCB1FED8892CE, 3",
      "00F48C4F8E386DED06BCDC78FA92E2FE, 66B4826EA4C155B4, 5",
      "0DBF3C59B59B0638D60B5842A997D4D1, CC61660C020B4D96, 7"})
  void specVectors(String p, String c, int counter) {
    SunDecoder decoder = new SunDecoder(K1);
    PiccData picc = decoder.decryptAndVerify(p, c, K2);
    assertThat(picc.uidHex()).isEqualTo("04996c6a926980");
    assertThat(picc.counter()).isEqualTo(counter);
    // Lower-case input is the same tap.
    assertThat(decoder.decryptAndVerify(p.toLowerCase(), c.toLowerCase(), K2)).isEqualTo(picc);
    assertThat(HEX.formatHex(decoder.mac(picc, K2))).isEqualToIgnoringCase(c);
  }

  @Test
  void forgedMacIsRejected() {
    SunDecoder decoder = new SunDecoder(K1);
    PiccData picc = decoder.decrypt("4E2E289D945A66BB13377A728884E867");
    // one bit flipped in the last byte
    assertThatThrownBy(() -> decoder.verify(picc, K2, "E19CCB1FED8892CF"))
        .isInstanceOfSatisfying(SunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAC));
    // a valid c of another tap (counter 5) does not authenticate counter 3: no replay across counters
    assertThatThrownBy(() -> decoder.verify(picc, K2, "66B4826EA4C155B4"))
        .isInstanceOfSatisfying(SunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAC));
    // the right c under another card's K2
    byte[] otherK2 = K2.clone();
    otherK2[0] ^= 1;
    assertThatThrownBy(() -> decoder.verify(picc, otherK2, "E19CCB1FED8892CE"))
        .isInstanceOfSatisfying(SunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAC));
  }

  @Test
  void wrongK1IsRejected() {
    byte[] wrongK1 = K1.clone();
    wrongK1[15] ^= 0x55;
    SunDecoder decoder = new SunDecoder(wrongK1);
    assertThatThrownBy(() -> decoder.decrypt("4E2E289D945A66BB13377A728884E867"))
        .isInstanceOfSatisfying(SunException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.BAD_PICC_DATA);
          assertThat(e.getMessage()).doesNotContainIgnoringCase(HEX.formatHex(wrongK1));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "4E2E289D945A66BB13377A728884E86", "4E2E289D945A66BB13377A728884E8670",
      "4E2E289D945A66BB13377A728884E86G", "4E2E289D945A66BB13377A728884E8 7", "4E2E289D945A66BB13377A728884E8\u0661\u0662"})
  void malformedPIsRejected(String p) {
    SunDecoder decoder = new SunDecoder(K1);
    assertThatThrownBy(() -> decoder.decrypt(p))
        .isInstanceOfSatisfying(SunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageStartingWith("p must be");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "E19CCB1FED8892C", "E19CCB1FED8892CE00", "Z19CCB1FED8892CE"})
  void malformedCIsRejected(String c) {
    SunDecoder decoder = new SunDecoder(K1);
    PiccData picc = decoder.decrypt("4E2E289D945A66BB13377A728884E867");
    assertThatThrownBy(() -> decoder.verify(picc, K2, c))
        .isInstanceOfSatisfying(SunException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageStartingWith("c must be");
    assertThatThrownBy(() -> decoder.decryptAndVerify("4E2E289D945A66BB13377A728884E867", null, K2))
        .isInstanceOf(SunException.class);
  }

  @Test
  void badKeyLengthsAreRefused() {
    assertThatThrownBy(() -> new SunDecoder(new byte[15])).hasMessage("K1 must be 16 bytes, got 15");
    SunDecoder decoder = new SunDecoder(K1);
    PiccData picc = decoder.decrypt("4E2E289D945A66BB13377A728884E867");
    assertThatThrownBy(() -> decoder.verify(picc, new byte[8], "E19CCB1FED8892CE")).hasMessage("K2 must be 16 bytes, got 8");
  }

  @Test
  void roundTripAtCounterLimits() {
    SunDecoder decoder = new SunDecoder(K1);
    byte[] uid = HEX.parseHex("04996c6a926980");
    for (int counter : new int[] {0, 1, 255, 256, 65536, PiccData.MAX_COUNTER}) {
      String p = encryptPicc(K1, uid, counter);
      String c = HEX.formatHex(decoder.mac(new PiccData(uid, counter), K2));
      assertThat(decoder.decryptAndVerify(p, c, K2).counter()).isEqualTo(counter);
    }
  }

  /** What a card does: C7 || UID || counter (LE) || 5 random bytes, AES-CBC with K1 and a zero IV. */
  static String encryptPicc(byte[] k1, byte[] uid, int counter) {
    byte[] plain = new byte[16];
    plain[0] = (byte) 0xC7;
    System.arraycopy(uid, 0, plain, 1, 7);
    plain[8] = (byte) counter;
    plain[9] = (byte) (counter >>> 8);
    plain[10] = (byte) (counter >>> 16);
    plain[11] = 0x5a;
    try {
      Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
      cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k1, "AES"), new IvParameterSpec(new byte[16]));
      return HEX.formatHex(cbc.doFinal(plain)).toUpperCase();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
