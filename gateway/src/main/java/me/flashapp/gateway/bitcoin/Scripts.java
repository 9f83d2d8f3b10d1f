package me.flashapp.gateway.bitcoin;

import java.io.ByteArrayOutputStream;

/** Builds standard scriptPubKeys and script pushes. */
public final class Scripts {
  private static final int OP_0 = 0x00;
  private static final int OP_PUSHDATA1 = 0x4c;
  private static final int OP_PUSHDATA2 = 0x4d;
  private static final int OP_1 = 0x51;
  private static final int OP_RETURN = 0x6a;
  private static final int OP_DUP = 0x76;
  private static final int OP_EQUAL = 0x87;
  private static final int OP_EQUALVERIFY = 0x88;
  private static final int OP_HASH160 = 0xa9;
  private static final int OP_CHECKSIG = 0xac;

  private Scripts() {}

  /** {@code OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG}. */
  public static byte[] p2pkh(byte[] pubKeyHash) {
    check(pubKeyHash, 20);
    byte[] s = new byte[25];
    s[0] = (byte) OP_DUP;
    s[1] = (byte) OP_HASH160;
    s[2] = 20;
    System.arraycopy(pubKeyHash, 0, s, 3, 20);
    s[23] = (byte) OP_EQUALVERIFY;
    s[24] = (byte) OP_CHECKSIG;
    return s;
  }

  /** {@code OP_HASH160 <20> OP_EQUAL}. */
  public static byte[] p2sh(byte[] scriptHash) {
    check(scriptHash, 20);
    byte[] s = new byte[23];
    s[0] = (byte) OP_HASH160;
    s[1] = 20;
    System.arraycopy(scriptHash, 0, s, 2, 20);
    s[22] = (byte) OP_EQUAL;
    return s;
  }

  /** {@code OP_0 <20>}. */
  public static byte[] p2wpkh(byte[] pubKeyHash) {
    check(pubKeyHash, 20);
    return witnessProgram(0, pubKeyHash);
  }

  /** {@code OP_0 <32>}. */
  public static byte[] p2wsh(byte[] scriptHash) {
    check(scriptHash, 32);
    return witnessProgram(0, scriptHash);
  }

  /** {@code OP_1 <32>} with the x-only taproot output key. */
  public static byte[] p2tr(byte[] outputKey) {
    check(outputKey, 32);
    return witnessProgram(1, outputKey);
  }

  /** {@code OP_n <program>} for witness version {@code n} (0..16), program 2..40 bytes. */
  public static byte[] witnessProgram(int version, byte[] program) {
    if (version < 0 || version > 16 || program.length < 2 || program.length > 40) {
      throw new IllegalArgumentException("invalid witness program v" + version + " of " + program.length + " bytes");
    }
    byte[] s = new byte[2 + program.length];
    s[0] = (byte) (version == 0 ? OP_0 : OP_1 + version - 1);
    s[1] = (byte) program.length;
    System.arraycopy(program, 0, s, 2, program.length);
    return s;
  }

  /** P2SH-wrapped P2WPKH (BIP49): {@code p2sh(hash160(OP_0 <pubKeyHash>))}. */
  public static byte[] p2shP2wpkh(byte[] pubKeyHash) {
    return p2sh(Hashes.hash160(p2wpkh(pubKeyHash)));
  }

  /** {@code OP_RETURN <data>}. */
  public static byte[] opReturn(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(OP_RETURN);
    byte[] push = push(data);
    out.write(push, 0, push.length);
    return out.toByteArray();
  }

  /** The minimal push of {@code data} (direct length byte, PUSHDATA1 or PUSHDATA2). */
  public static byte[] push(byte[] data) {
    int n = data.length;
    byte[] s;
    int at;
    if (n < OP_PUSHDATA1) {
      s = new byte[1 + n];
      s[0] = (byte) n;
      at = 1;
    } else if (n <= 0xff) {
      s = new byte[2 + n];
      s[0] = (byte) OP_PUSHDATA1;
      s[1] = (byte) n;
      at = 2;
    } else if (n <= 0xffff) {
      s = new byte[3 + n];
      s[0] = (byte) OP_PUSHDATA2;
      LittleEndian.putInt16(s, 1, n);
      at = 3;
    } else {
      throw new IllegalArgumentException("push of " + n + " bytes is too large");
    }
    System.arraycopy(data, 0, s, at, n);
    return s;
  }

  /**
   * The push of a number as BIP34 requires for the coinbase height ({@code CScript() << n}):
   * OP_0, OP_1..OP_16, or the minimal little-endian sign-magnitude encoding.
   */
  public static byte[] pushNumber(long n) {
    if (n == 0) {
      return new byte[] {(byte) OP_0};
    }
    if (n >= 1 && n <= 16) {
      return new byte[] {(byte) (OP_1 + n - 1)};
    }
    if (n < 0) {
      throw new IllegalArgumentException("negative numbers are not needed here: " + n);
    }
    byte[] tmp = new byte[9];
    int len = 0;
    long v = n;
    while (v != 0) {
      tmp[len++] = (byte) (v & 0xff);
      v >>>= 8;
    }
    // The top bit is the sign bit in script numbers: add a zero byte to keep the number positive.
    if ((tmp[len - 1] & 0x80) != 0) {
      tmp[len++] = 0;
    }
    byte[] s = new byte[1 + len];
    s[0] = (byte) len;
    System.arraycopy(tmp, 0, s, 1, len);
    return s;
  }

  private static void check(byte[] hash, int len) {
    if (hash.length != len) {
      throw new IllegalArgumentException("expected " + len + " bytes, got " + hash.length);
    }
  }
}
