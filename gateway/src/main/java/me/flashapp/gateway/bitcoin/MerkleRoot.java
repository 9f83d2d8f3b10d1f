package me.flashapp.gateway.bitcoin;

/**
 * Bitcoin's merkle root over txids: hash pairs level by level with SHA-256d, duplicating the last
 * hash of a level with an odd count, until one hash remains.
 *
 * <p>Works in place on a flat array of 32-byte hashes (internal byte order) so a block of
 * thousands of transactions costs no allocation beyond the caller's scratch array.
 */
public final class MerkleRoot {
  private MerkleRoot() {}

  /**
   * Computes the root of {@code count} hashes stored back to back in {@code scratch}, which is
   * overwritten and must have room for {@code count + 1} hashes (the odd level's duplicate).
   *
   * @param out receives the 32-byte root at {@code outOff}
   */
  public static void computeInPlace(byte[] scratch, int count, Sha256d sha, byte[] out, int outOff) {
    if (count <= 0) {
      throw new IllegalArgumentException("a merkle tree needs at least one hash");
    }
    if (scratch.length < (count + 1) * 32) {
      throw new IllegalArgumentException("scratch must hold count + 1 hashes");
    }
    int n = count;
    while (n > 1) {
      if ((n & 1) != 0) {
        System.arraycopy(scratch, (n - 1) * 32, scratch, n * 32, 32);
        n++;
      }
      // Writing pair i's hash to slot i never clobbers an unread pair: slot i < 2i for i > 0.
      for (int i = 0; i < n / 2; i++) {
        sha.hash(scratch, i * 64, 64, scratch, i * 32);
      }
      n /= 2;
    }
    System.arraycopy(scratch, 0, out, outOff, 32);
  }

  /** Convenience: the root of the given hashes (internal byte order). Allocates. */
  public static byte[] compute(byte[][] hashes) {
    byte[] scratch = new byte[(hashes.length + 1) * 32];
    for (int i = 0; i < hashes.length; i++) {
      System.arraycopy(hashes[i], 0, scratch, i * 32, 32);
    }
    byte[] out = new byte[32];
    computeInPlace(scratch, hashes.length, new Sha256d(), out, 0);
    return out;
  }
}
