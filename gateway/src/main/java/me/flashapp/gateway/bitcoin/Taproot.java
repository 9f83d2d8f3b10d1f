package me.flashapp.gateway.bitcoin;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The BIP86 key-path-only taproot output key: {@code Q = lift_x(P) + int(tagged_hash("TapTweak",
 * x(P))) * G}, with the BIP341 tweak over an empty script tree. Point arithmetic is Bouncy
 * Castle's secp256k1; nothing here implements curve operations by hand.
 */
public final class Taproot {
  private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");

  private Taproot() {}

  /**
   * The 32-byte x-only output key for an internal public key.
   *
   * @param publicKey a 33-byte compressed key or a 32-byte x-only key; only x is used (BIP340
   *     lifts it to the point with an even y)
   */
  public static byte[] bip86OutputKey(byte[] publicKey) {
    byte[] x;
    if (publicKey.length == 33) {
      x = java.util.Arrays.copyOfRange(publicKey, 1, 33);
    } else if (publicKey.length == 32) {
      x = publicKey.clone();
    } else {
      throw new IllegalArgumentException("public key must be 33 (compressed) or 32 (x-only) bytes");
    }
    byte[] even = new byte[33];
    even[0] = 0x02;
    System.arraycopy(x, 0, even, 1, 32);
    ECPoint p = SECP256K1.getCurve().decodePoint(even);
    BigInteger t = new BigInteger(1, Hashes.taggedHash("TapTweak", x));
    if (t.compareTo(SECP256K1.getN()) >= 0) {
      // Probability ~2^-128; BIP341 says such a key cannot be used.
      throw new IllegalArgumentException("taproot tweak exceeds the curve order");
    }
    ECPoint q = p.add(SECP256K1.getG().multiply(t)).normalize();
    if (q.isInfinity()) {
      throw new IllegalArgumentException("tweaked taproot key is the point at infinity");
    }
    return q.getAffineXCoord().getEncoded();
  }
}
