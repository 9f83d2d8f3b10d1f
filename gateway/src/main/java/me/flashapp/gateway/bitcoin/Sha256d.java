package me.flashapp.gateway.bitcoin;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Double SHA-256 (Bitcoin's txid, block hash and merkle hash) with one reusable
 * {@link MessageDigest} and scratch buffer, so hashing on the hot path allocates nothing.
 *
 * <p>Not thread-safe: keep one instance per parser or per thread. The incremental form
 * ({@link #update} then {@link #finish}) lets a caller hash disjoint ranges of one array as a
 * single message, which is how a segwit txid is computed without building a stripped copy.
 */
public final class Sha256d {
  /** Size in bytes of a SHA-256 digest. */
  public static final int SIZE = 32;

  private final MessageDigest md = newSha256();
  private final byte[] first = new byte[SIZE];

  /** Hashes {@code len} bytes of {@code in} at {@code off} into {@code out} at {@code outOff}. */
  public void hash(byte[] in, int off, int len, byte[] out, int outOff) {
    md.reset();
    md.update(in, off, len);
    finish(out, outOff);
  }

  /** Starts a new incremental double hash (discarding any unfinished one). */
  public void reset() {
    md.reset();
  }

  /** Feeds a range of bytes to the incremental hash. */
  public void update(byte[] in, int off, int len) {
    md.update(in, off, len);
  }

  /** Completes the incremental hash: writes SHA-256(SHA-256(message)) into {@code out}. */
  public void finish(byte[] out, int outOff) {
    try {
      md.digest(first, 0, SIZE);
      md.update(first, 0, SIZE);
      md.digest(out, outOff, SIZE);
    } catch (DigestException e) {
      // Only thrown when the output range is too small: a caller bug, not a data problem.
      throw new IllegalArgumentException("output buffer too small for a 32-byte hash", e);
    }
  }

  /** Convenience for non-hot paths: the double SHA-256 of {@code data} as a new array. */
  public static byte[] of(byte[] data) {
    byte[] out = new byte[SIZE];
    new Sha256d().hash(data, 0, data.length, out, 0);
    return out;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }
}
