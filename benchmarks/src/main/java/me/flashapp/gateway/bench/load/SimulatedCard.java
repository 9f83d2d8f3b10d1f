package me.flashapp.gateway.bench.load;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import me.flashapp.gateway.card.AesCmac;

/**
 * One Flash Card the generator issued and funded, acting as the NTAG 424 DNA programmed with its
 * keys: each {@link #tap()} yields the {@code p} and {@code c} the card would write, with a counter
 * strictly above the previous tap's (the gateway declines a counter it has already accepted).
 *
 * <p>Bolt Card SUN (NXP AN12196 §3.3, §3.4.4): p = AES-128-CBC(K1, zero IV) of the one block
 * {@code C7 || UID(7) || counter(3, little-endian) || 5 random bytes}; c = the odd bytes of
 * AES-CMAC(AES-CMAC(K2, {@code 3CC300010080 || UID || counter LE}), empty).
 */
final class SimulatedCard {
  private static final byte[] SV2_PREFIX = {0x3C, (byte) 0xC3, 0x00, 0x01, 0x00, (byte) 0x80};
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  final String id;
  private final byte[] uid;
  private final SecretKeySpec k1;
  private final byte[] k2;
  private final AtomicInteger counter = new AtomicInteger();

  /** A tap's NDEF parameters. */
  record Tap(String p, String c, int counter) {}

  SimulatedCard(String id, String uidHex, String k1Hex, String k2Hex) {
    this.id = id;
    this.uid = HexFormat.of().parseHex(uidHex);
    if (uid.length != 7) {
      throw new IllegalArgumentException("a Bolt Card UID is 7 bytes, got " + uid.length);
    }
    this.k1 = new SecretKeySpec(HexFormat.of().parseHex(k1Hex), "AES");
    this.k2 = HexFormat.of().parseHex(k2Hex);
  }

  /** The next tap: the counter goes up by one, as the card's does on every read. */
  Tap tap() {
    int n = counter.incrementAndGet();
    return new Tap(p(n), c(n), n);
  }

  /** p for {@code counter}; the last 5 bytes are random, as on a real card. */
  String p(int counter) {
    byte[] block = new byte[16];
    block[0] = (byte) 0xC7;
    System.arraycopy(uid, 0, block, 1, 7);
    littleEndian24(counter, block, 8);
    byte[] random = new byte[5];
    ThreadLocalRandom.current().nextBytes(random);
    System.arraycopy(random, 0, block, 11, 5);
    try {
      // One block with a zero IV: CBC is ECB here.
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, k1);
      return HEX.formatHex(aes.doFinal(block));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128 is required of every JVM", e);
    }
  }

  /** c for {@code counter}: the truncated SUN MAC under K2. */
  String c(int counter) {
    byte[] sv2 = new byte[16];
    System.arraycopy(SV2_PREFIX, 0, sv2, 0, SV2_PREFIX.length);
    System.arraycopy(uid, 0, sv2, 6, 7);
    littleEndian24(counter, sv2, 13);
    byte[] full = AesCmac.mac(AesCmac.mac(k2, sv2), new byte[0]);
    byte[] odd = new byte[8];
    for (int i = 0; i < odd.length; i++) {
      odd[i] = full[2 * i + 1];
    }
    return HEX.formatHex(odd);
  }

  private static void littleEndian24(int value, byte[] out, int at) {
    out[at] = (byte) value;
    out[at + 1] = (byte) (value >>> 8);
    out[at + 2] = (byte) (value >>> 16);
  }
}
