package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of the Bolt Card deterministic key spec (docs/DETERMINISTIC.md). */
class BoltCardKeysTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] ISSUER_KEY = HEX.parseHex("00000000000000000000000000000001");
  private static final byte[] UID = HEX.parseHex("04a39493cc8680");

  @Test
  void specVector() {
    BoltCardKeys keys = BoltCardKeys.derive(ISSUER_KEY, UID, 1);
    assertThat(HEX.formatHex(keys.k0())).isEqualTo("a29119fcb48e737d1591d3489557e49b");
    assertThat(HEX.formatHex(keys.k1())).isEqualTo("55da174c9608993dc27bb3f30a4a7314");
    assertThat(HEX.formatHex(keys.k2())).isEqualTo("f4b404be700ab285e333e32348fa3d3b");
    assertThat(HEX.formatHex(keys.k3())).isEqualTo("73610ba4afe45b55319691cb9489142f");
    assertThat(HEX.formatHex(keys.k4())).isEqualTo("addd03e52964369be7f2967736b7bdb5");
    assertThat(HEX.formatHex(keys.id())).isEqualTo("e07ce1279d980ecb892a81924b67bf18");
    assertThat(BoltCardKeys.k1(ISSUER_KEY)).isEqualTo(keys.k1());
    assertThat(BoltCardKeys.cardId(ISSUER_KEY, UID)).isEqualTo(keys.id());
  }

  @Test
  void versionChangesCardKeysButNotK1OrId() {
    BoltCardKeys v1 = BoltCardKeys.derive(ISSUER_KEY, UID, 1);
    BoltCardKeys v2 = BoltCardKeys.derive(ISSUER_KEY, UID, 2);
    assertThat(v2.k2()).isNotEqualTo(v1.k2());
    assertThat(v2.k0()).isNotEqualTo(v1.k0());
    assertThat(v2.k1()).isEqualTo(v1.k1());
    assertThat(v2.id()).isEqualTo(v1.id());
  }

  @Test
  void derivedKeysAuthenticateATapEndToEnd() {
    BoltCardKeys keys = BoltCardKeys.derive(ISSUER_KEY, UID, 1);
    String p = SunDecoderTest.encryptPicc(keys.k1(), UID, 42);
    SunDecoder decoder = new SunDecoder(keys.k1());
    String c = HEX.formatHex(decoder.mac(new PiccData(UID, 42), keys.k2()));
    PiccData picc = decoder.decryptAndVerify(p, c, keys.k2());
    assertThat(picc.uidHex()).isEqualTo("04a39493cc8680");
    assertThat(picc.counter()).isEqualTo(42);
  }

  @Test
  void toStringHidesKeysAndBadInputIsRefused() {
    BoltCardKeys keys = BoltCardKeys.derive(ISSUER_KEY, UID, 1);
    assertThat(keys.toString()).doesNotContain(HEX.formatHex(keys.k2())).isEqualTo("BoltCardKeys[redacted]");
    assertThatThrownBy(() -> BoltCardKeys.derive(new byte[15], UID, 1)).hasMessageContaining("issuer key must be 16 bytes");
    assertThatThrownBy(() -> BoltCardKeys.derive(ISSUER_KEY, new byte[4], 1)).hasMessageContaining("UID must be 7 bytes");
    assertThatThrownBy(() -> BoltCardKeys.derive(ISSUER_KEY, UID, -1)).hasMessageContaining("unsigned 32-bit");
  }
}
