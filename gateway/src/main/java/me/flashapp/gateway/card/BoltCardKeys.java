package me.flashapp.gateway.card;

import java.util.Arrays;
import java.util.Objects;

/**
 * The five application keys and the card ID of one Bolt Card, derived from the issuer key by the
 * Bolt Card deterministic scheme (boltcard/boltcard docs/DETERMINISTIC.md), with PRF = AES-CMAC:
 *
 * <pre>
 * CardKey = PRF(IssuerKey, 2d003f75 || UID || Version as LE32)
 * K0 = PRF(CardKey, 2d003f76)     app master key
 * K1 = PRF(IssuerKey, 2d003f77)   SUN encryption key: one per issuer, so p decrypts before the UID is known
 * K2 = PRF(CardKey, 2d003f78)     SUN MAC key
 * K3 = PRF(CardKey, 2d003f79)
 * K4 = PRF(CardKey, 2d003f7a)
 * ID = PRF(IssuerKey, 2d003f7b || UID)
 * </pre>
 *
 * <p>Storing only the (encrypted) issuer key and each card's UID and version is enough to
 * re-derive every key; bumping the version re-keys a card. Immutable; accessors return copies and
 * {@link #toString()} never shows key bytes.
 */
public final class BoltCardKeys {
  private static final byte[] TAG_CARD_KEY = {0x2d, 0x00, 0x3f, 0x75};
  private static final byte[] TAG_K0 = {0x2d, 0x00, 0x3f, 0x76};
  private static final byte[] TAG_K1 = {0x2d, 0x00, 0x3f, 0x77};
  private static final byte[] TAG_K2 = {0x2d, 0x00, 0x3f, 0x78};
  private static final byte[] TAG_K3 = {0x2d, 0x00, 0x3f, 0x79};
  private static final byte[] TAG_K4 = {0x2d, 0x00, 0x3f, 0x7a};
  private static final byte[] TAG_ID = {0x2d, 0x00, 0x3f, 0x7b};

  private final byte[] k0;
  private final byte[] k1;
  private final byte[] k2;
  private final byte[] k3;
  private final byte[] k4;
  private final byte[] id;

  private BoltCardKeys(byte[] k0, byte[] k1, byte[] k2, byte[] k3, byte[] k4, byte[] id) {
    this.k0 = k0;
    this.k1 = k1;
    this.k2 = k2;
    this.k3 = k3;
    this.k4 = k4;
    this.id = id;
  }

  /**
   * Derives the keys of the card with this UID at this key version.
   *
   * @param issuerKey 16 bytes
   * @param uid       the card's 7-byte UID
   * @param version   key version (unsigned 32-bit; starts at 1, incremented on each re-programming)
   */
  public static BoltCardKeys derive(byte[] issuerKey, byte[] uid, long version) {
    checkIssuerKey(issuerKey);
    checkUid(uid);
    if (version < 0 || version > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("version must be an unsigned 32-bit value: " + version);
    }
    AesCmac prf = new AesCmac();
    byte[] input = new byte[TAG_CARD_KEY.length + uid.length + 4];
    System.arraycopy(TAG_CARD_KEY, 0, input, 0, 4);
    System.arraycopy(uid, 0, input, 4, uid.length);
    for (int i = 0; i < 4; i++) {
      input[4 + uid.length + i] = (byte) (version >>> (8 * i));
    }
    byte[] cardKey = prf.compute(issuerKey, input);
    BoltCardKeys keys = new BoltCardKeys(
        prf.compute(cardKey, TAG_K0),
        prf.compute(issuerKey, TAG_K1),
        prf.compute(cardKey, TAG_K2),
        prf.compute(cardKey, TAG_K3),
        prf.compute(cardKey, TAG_K4),
        cardId(prf, issuerKey, uid));
    Arrays.fill(cardKey, (byte) 0);
    return keys;
  }

  /** The issuer-wide K1, for a {@link SunDecoder}. */
  public static byte[] k1(byte[] issuerKey) {
    checkIssuerKey(issuerKey);
    return AesCmac.mac(issuerKey, TAG_K1);
  }

  /** The card ID for a UID: a stable pseudonym that does not reveal the UID. */
  public static byte[] cardId(byte[] issuerKey, byte[] uid) {
    checkIssuerKey(issuerKey);
    checkUid(uid);
    return cardId(new AesCmac(), issuerKey, uid);
  }

  private static byte[] cardId(AesCmac prf, byte[] issuerKey, byte[] uid) {
    byte[] input = new byte[TAG_ID.length + uid.length];
    System.arraycopy(TAG_ID, 0, input, 0, TAG_ID.length);
    System.arraycopy(uid, 0, input, TAG_ID.length, uid.length);
    return prf.compute(issuerKey, input);
  }

  private static void checkIssuerKey(byte[] issuerKey) {
    if (Objects.requireNonNull(issuerKey, "issuerKey").length != 16) {
      throw new IllegalArgumentException("issuer key must be 16 bytes, got " + issuerKey.length);
    }
  }

  private static void checkUid(byte[] uid) {
    if (Objects.requireNonNull(uid, "uid").length != PiccData.UID_LENGTH) {
      throw new IllegalArgumentException("UID must be " + PiccData.UID_LENGTH + " bytes, got " + uid.length);
    }
  }

  public byte[] k0() {
    return k0.clone();
  }

  public byte[] k1() {
    return k1.clone();
  }

  public byte[] k2() {
    return k2.clone();
  }

  public byte[] k3() {
    return k3.clone();
  }

  public byte[] k4() {
    return k4.clone();
  }

  public byte[] id() {
    return id.clone();
  }

  @Override
  public String toString() {
    return "BoltCardKeys[redacted]";
  }
}
