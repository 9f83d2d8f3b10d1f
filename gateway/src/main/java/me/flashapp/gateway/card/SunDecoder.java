package me.flashapp.gateway.card;

import java.security.MessageDigest;
import java.util.Objects;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Decodes and authenticates the {@code p} and {@code c} parameters of a Bolt Card tap, the SUN
 * (Secure Unique NFC) message of an NXP NTAG 424 DNA as configured by the Bolt Card spec.
 *
 * <p>Two steps, because K2 is per card and only known once the UID is:
 * <ol>
 *   <li>{@link #decrypt}: {@code p} is AES-128-CBC with K1 and a zero IV over one block, giving
 *       {@code C7 || UID(7) || counter(3, little-endian) || 5 random bytes} (AN12196 §3.4.2.1).
 *       0xC7 is the PICCDataTag: UID and counter mirrored, UID length 7.</li>
 *   <li>{@link #verify}: the session MAC key is {@code ks = CMAC(K2, SV2)} with
 *       {@code SV2 = 3C C3 00 01 00 80 || UID || counter(LE)} (AN12196 §3.3), the full MAC is
 *       {@code CMAC(ks, empty)} (the SDM MAC input is empty when no data is mirrored before it),
 *       and {@code c} is its bytes at odd indexes 1, 3, ..., 15 (AN12196 §3.4.4, "MACt").</li>
 * </ol>
 *
 * <p>One instance per K1 (per issuer). <b>Not thread-safe</b>: the AES engine and CMAC are kept
 * and re-keyed to make a verification a few microseconds with no cipher allocation; use one
 * instance per thread or Vert.x context.
 */
public final class SunDecoder {
  /** PICCDataTag of a Bolt Card: UID mirrored, counter mirrored, 7-byte UID. */
  static final int PICC_DATA_TAG = 0xC7;
  /** Length of {@code c}: the truncated MAC. */
  public static final int MAC_LENGTH = 8;
  private static final byte[] SV2_PREFIX = {0x3C, (byte) 0xC3, 0x00, 0x01, 0x00, (byte) 0x80};
  private static final byte[] EMPTY = new byte[0];

  private final BlockCipher k1Decrypt = AESEngine.newInstance();
  private final AesCmac cmac = new AesCmac();
  private final byte[] block = new byte[16];
  private final byte[] plain = new byte[16];
  private final byte[] sv2 = new byte[16];
  private final byte[] sessionKey = new byte[16];
  private final byte[] fullMac = new byte[16];

  /** @param k1 the issuer's 16-byte K1 (shared by all its cards) */
  public SunDecoder(byte[] k1) {
    if (Objects.requireNonNull(k1, "k1").length != 16) {
      throw new IllegalArgumentException("K1 must be 16 bytes, got " + k1.length);
    }
    k1Decrypt.init(false, new KeyParameter(k1));
    System.arraycopy(SV2_PREFIX, 0, sv2, 0, SV2_PREFIX.length);
  }

  /**
   * Decrypts {@code p} (32 hex characters, any case) into UID and counter.
   *
   * @throws SunException {@link SunException.Reason#MALFORMED} or {@link SunException.Reason#BAD_PICC_DATA}
   */
  public PiccData decrypt(String pHex) {
    parseHex(pHex, "p", block);
    // CBC with a zero IV over a single block is the raw block decryption (P1 = D(C1) xor IV).
    k1Decrypt.processBlock(block, 0, plain, 0);
    if ((plain[0] & 0xff) != PICC_DATA_TAG) {
      throw new SunException(SunException.Reason.BAD_PICC_DATA, "p is not PICC data for this issuer key");
    }
    byte[] uid = new byte[PiccData.UID_LENGTH];
    System.arraycopy(plain, 1, uid, 0, uid.length);
    int counter = (plain[8] & 0xff) | (plain[9] & 0xff) << 8 | (plain[10] & 0xff) << 16;
    return new PiccData(uid, counter);
  }

  /**
   * Checks {@code c} (16 hex characters) against the card's K2, in constant time.
   *
   * @throws SunException {@link SunException.Reason#MALFORMED} or {@link SunException.Reason#BAD_MAC}
   */
  public void verify(PiccData picc, byte[] k2, String cHex) {
    byte[] c = new byte[MAC_LENGTH];
    parseHex(cHex, "c", c);
    if (!MessageDigest.isEqual(mac(picc, k2), c)) {
      throw new SunException(SunException.Reason.BAD_MAC, "c does not authenticate this tap");
    }
  }

  /** {@link #decrypt} then {@link #verify} when the caller already holds K2 (single-card issuers, tests). */
  public PiccData decryptAndVerify(String pHex, String cHex, byte[] k2) {
    PiccData picc = decrypt(pHex);
    verify(picc, k2, cHex);
    return picc;
  }

  /** The 8-byte truncated SUN MAC ({@code c}) a card with this K2 writes for {@code picc}; for card simulators. */
  public byte[] mac(PiccData picc, byte[] k2) {
    if (Objects.requireNonNull(k2, "k2").length != 16) {
      throw new IllegalArgumentException("K2 must be 16 bytes, got " + k2.length);
    }
    byte[] uid = picc.uid();
    System.arraycopy(uid, 0, sv2, 6, uid.length);
    int counter = picc.counter();
    sv2[13] = (byte) counter;
    sv2[14] = (byte) (counter >>> 8);
    sv2[15] = (byte) (counter >>> 16);
    cmac.compute(k2, sv2, 0, sv2.length, sessionKey, 0);
    cmac.compute(sessionKey, EMPTY, 0, 0, fullMac, 0);
    byte[] truncated = new byte[MAC_LENGTH];
    for (int i = 0; i < MAC_LENGTH; i++) {
      truncated[i] = fullMac[2 * i + 1];
    }
    return truncated;
  }

  private static void parseHex(String hex, String name, byte[] out) {
    if (hex == null || hex.length() != out.length * 2) {
      throw new SunException(SunException.Reason.MALFORMED,
          name + " must be " + out.length * 2 + " hex characters");
    }
    for (int i = 0; i < out.length; i++) {
      int hi = hexDigit(hex.charAt(2 * i));
      int lo = hexDigit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new SunException(SunException.Reason.MALFORMED, name + " must be hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
  }

  // ASCII only: Character.digit would also accept other Unicode digits.
  private static int hexDigit(char ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
      return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
      return ch - 'A' + 10;
    }
    return -1;
  }
}
