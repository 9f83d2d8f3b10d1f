package me.flashapp.gateway.bitcoin;

import java.math.BigInteger;

/**
 * Compact difficulty targets ("nBits"): {@code mantissa * 256^(exponent - 3)} with a 1-byte
 * exponent and a 23-bit mantissa (bit 23 is a sign bit, never set in a valid target). A block
 * hash, read as a little-endian 256-bit number, must not exceed the target.
 */
public final class ProofOfWork {
  /** Regtest's minimum difficulty: any hash whose top bit is clear meets it, half of all hashes. */
  public static final long REGTEST_BITS = 0x207fffffL;

  private ProofOfWork() {}

  /** The target encoded by {@code bits}; throws for a negative or overflowing encoding. */
  public static BigInteger target(long bits) {
    int exponent = (int) ((bits >>> 24) & 0xff);
    long mantissa = bits & 0x007fffffL;
    if ((bits & 0x00800000L) != 0 && mantissa != 0) {
      throw new IllegalArgumentException("negative compact target " + Long.toHexString(bits));
    }
    BigInteger m = BigInteger.valueOf(mantissa);
    BigInteger t = exponent <= 3 ? m.shiftRight(8 * (3 - exponent)) : m.shiftLeft(8 * (exponent - 3));
    if (t.bitLength() > 256) {
      throw new IllegalArgumentException("compact target overflows 256 bits " + Long.toHexString(bits));
    }
    return t;
  }

  /** Whether {@code hash} (internal byte order) meets the target of {@code bits}. */
  public static boolean meetsTarget(byte[] hash, long bits) {
    byte[] bigEndian = new byte[33];
    for (int i = 0; i < 32; i++) {
      bigEndian[1 + i] = hash[31 - i];
    }
    return new BigInteger(bigEndian).compareTo(target(bits)) <= 0;
  }
}
