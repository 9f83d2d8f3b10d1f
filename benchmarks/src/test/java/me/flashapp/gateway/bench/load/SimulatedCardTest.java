package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import me.flashapp.gateway.card.PiccData;
import me.flashapp.gateway.card.SunDecoder;
import me.flashapp.gateway.card.SunException;
import org.junit.jupiter.api.Test;

/** The generator's card writes what a real Bolt Card writes, as the gateway's own decoder reads it. */
class SimulatedCardTest {
  // The Bolt Card specification's test vector (boltcard/boltcard docs, "Card crypto test vectors").
  private static final String K1 = "0c3b25d92b38ae443229dd59ad34b85d";
  private static final String K2 = "b45775776cb224c75bcde7ca3704e933";
  private static final String UID = "04996c6a926980";

  @Test
  void cMatchesThePublishedVector() {
    assertThat(new SimulatedCard("card", UID, K1, K2).c(3)).isEqualTo("E19CCB1FED8892CE");
  }

  @Test
  void pDecryptsToTheUidAndCounterAndTheGatewayVerifiesC() {
    SimulatedCard card = new SimulatedCard("card", UID, K1, K2);
    SimulatedCard.Tap tap = card.tap();
    PiccData picc = new SunDecoder(HexFormat.of().parseHex(K1))
        .decryptAndVerify(tap.p(), tap.c(), HexFormat.of().parseHex(K2));
    assertThat(picc.uidHex()).isEqualTo(UID);
    assertThat(picc.counter()).isEqualTo(1).isEqualTo(tap.counter());
  }

  @Test
  void everyTapCarriesAHigherCounterAndAFreshP() {
    SimulatedCard card = new SimulatedCard("card", UID, K1, K2);
    SunDecoder decoder = new SunDecoder(HexFormat.of().parseHex(K1));
    SimulatedCard.Tap first = card.tap();
    SimulatedCard.Tap second = card.tap();
    assertThat(decoder.decrypt(second.p()).counter()).isEqualTo(2);
    assertThat(second.p()).isNotEqualTo(first.p());
    // a counter above 0xFFFF exercises the third little-endian byte
    assertThat(decoder.decrypt(card.p(0x012345)).counter()).isEqualTo(0x012345);
  }

  @Test
  void aTapUnderAnotherK2IsNotAccepted() {
    SimulatedCard card = new SimulatedCard("card", UID, K1, "00112233445566778899aabbccddeeff");
    SimulatedCard.Tap tap = card.tap();
    assertThatThrownBy(() -> new SunDecoder(HexFormat.of().parseHex(K1))
        .decryptAndVerify(tap.p(), tap.c(), HexFormat.of().parseHex(K2))).isInstanceOf(SunException.class);
  }
}
