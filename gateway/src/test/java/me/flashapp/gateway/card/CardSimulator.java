package me.flashapp.gateway.card;

import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/** What an NTAG 424 DNA programmed as a Bolt Card writes on a tap: p and c for a counter. */
final class CardSimulator {
  final byte[] uid;
  final byte[] k1;
  final byte[] k2;

  CardSimulator(String uidHex, String k1Hex, String k2Hex) {
    this.uid = HexFormat.of().parseHex(uidHex);
    this.k1 = HexFormat.of().parseHex(k1Hex);
    this.k2 = HexFormat.of().parseHex(k2Hex);
  }

  /** p = AES-128 of {@code C7 || UID || counter LE24 || 5 bytes} under K1 (CBC, zero IV, one block). */
  String p(int counter) {
    byte[] block = new byte[16];
    block[0] = (byte) 0xC7;
    System.arraycopy(uid, 0, block, 1, 7);
    block[8] = (byte) counter;
    block[9] = (byte) (counter >>> 8);
    block[10] = (byte) (counter >>> 16);
    block[11] = (byte) 0x5a; // the card fills these with random bytes; any value decodes
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k1, "AES"));
      return HexFormat.of().withUpperCase().formatHex(aes.doFinal(block));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** c = the odd bytes of CMAC(CMAC(K2, SV2), empty). */
  String c(int counter) {
    return HexFormat.of().withUpperCase().formatHex(new SunDecoder(k1).mac(new PiccData(uid, counter), k2));
  }
}
