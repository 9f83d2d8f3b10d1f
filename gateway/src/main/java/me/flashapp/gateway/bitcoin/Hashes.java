package me.flashapp.gateway.bitcoin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;

/**
 * Bitcoin's hash functions and the byte-order convention of hashes.
 *
 * <p>Txids and block hashes are stored and hashed in "internal" order (as SHA-256 produced them)
 * but displayed byte-reversed ("display" order, as bitcoind and block explorers print them).
 * {@link #toDisplayHex} and {@link #fromDisplayHex} convert between the two.
 *
 * <p>These helpers allocate; the hot path uses {@link Sha256d} instances instead.
 */
public final class Hashes {
  private static final HexFormat HEX = HexFormat.of();

  private Hashes() {}

  /** Single SHA-256. */
  public static byte[] sha256(byte[] data) {
    return Sha256d.newSha256().digest(data);
  }

  /** Double SHA-256. */
  public static byte[] sha256d(byte[] data) {
    return Sha256d.of(data);
  }

  /** RIPEMD-160(SHA-256(data)): the 20-byte hash in P2PKH, P2SH and P2WPKH scripts. */
  public static byte[] hash160(byte[] data) {
    byte[] sha = sha256(data);
    RIPEMD160Digest ripemd = new RIPEMD160Digest();
    ripemd.update(sha, 0, sha.length);
    byte[] out = new byte[20];
    ripemd.doFinal(out, 0);
    return out;
  }

  /** BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || msg). */
  public static byte[] taggedHash(String tag, byte[] msg) {
    byte[] tagHash = sha256(tag.getBytes(StandardCharsets.UTF_8));
    MessageDigest md = Sha256d.newSha256();
    md.update(tagHash);
    md.update(tagHash);
    md.update(msg);
    return md.digest();
  }

  /** Hex of a 32-byte hash in display (byte-reversed) order, as bitcoind prints txids. */
  public static String toDisplayHex(byte[] internal) {
    return toDisplayHex(internal, 0);
  }

  /** Hex in display order of the 32-byte hash at {@code off}. */
  public static String toDisplayHex(byte[] buf, int off) {
    byte[] reversed = new byte[32];
    for (int i = 0; i < 32; i++) {
      reversed[i] = buf[off + 31 - i];
    }
    return HEX.formatHex(reversed);
  }

  /** Parses a display-order hash (64 hex chars) into internal byte order. */
  public static byte[] fromDisplayHex(String displayHex) {
    if (displayHex.length() != 64) {
      throw new IllegalArgumentException("a hash is 64 hex characters, got " + displayHex.length());
    }
    byte[] b = HEX.parseHex(displayHex);
    for (int i = 0; i < 16; i++) {
      byte t = b[i];
      b[i] = b[31 - i];
      b[31 - i] = t;
    }
    return b;
  }
}
