package me.flashapp.gateway.bitcoin;

import java.util.Arrays;

/**
 * The 80-byte block header: {@code version:4 prevHash:32 merkleRoot:32 time:4 bits:4 nonce:4},
 * all little-endian, hashes in internal byte order. The block hash is SHA-256d of these 80 bytes.
 *
 * <p>Immutable; hashes are exposed as copies or as display-order hex.
 */
public final class BlockHeader {
  /** Serialized size of a header. */
  public static final int SIZE = 80;

  private final int version;
  private final byte[] prevHash;
  private final byte[] merkleRoot;
  private final long time;
  private final long bits;
  private final long nonce;
  private final byte[] hash;

  /**
   * Builds a header from its fields (hashes in internal byte order) and computes its hash.
   *
   * @param time seconds since the epoch, unsigned 32-bit
   * @param bits compact target, unsigned 32-bit
   * @param nonce unsigned 32-bit
   */
  public BlockHeader(int version, byte[] prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
    if (prevHash.length != 32 || merkleRoot.length != 32) {
      throw new IllegalArgumentException("hashes must be 32 bytes");
    }
    checkUint32("time", time);
    checkUint32("bits", bits);
    checkUint32("nonce", nonce);
    this.version = version;
    this.prevHash = prevHash.clone();
    this.merkleRoot = merkleRoot.clone();
    this.time = time;
    this.bits = bits;
    this.nonce = nonce;
    this.hash = Sha256d.of(serialize());
  }

  private BlockHeader(byte[] b, int off, Sha256d sha) {
    this.version = LittleEndian.int32(b, off);
    this.prevHash = Arrays.copyOfRange(b, off + 4, off + 36);
    this.merkleRoot = Arrays.copyOfRange(b, off + 36, off + 68);
    this.time = LittleEndian.uint32(b, off + 68);
    this.bits = LittleEndian.uint32(b, off + 72);
    this.nonce = LittleEndian.uint32(b, off + 76);
    this.hash = new byte[32];
    sha.hash(b, off, SIZE, hash, 0);
  }

  /** Parses the header at {@code off}. */
  public static BlockHeader parse(byte[] b, int off) throws BitcoinParseException {
    return parse(b, off, new Sha256d());
  }

  static BlockHeader parse(byte[] b, int off, Sha256d sha) throws BitcoinParseException {
    if (off < 0 || b.length - off < SIZE) {
      throw new BitcoinParseException("truncated block header", Math.max(off, 0));
    }
    return new BlockHeader(b, off, sha);
  }

  /** The 80 serialized bytes. */
  public byte[] serialize() {
    byte[] b = new byte[SIZE];
    LittleEndian.putInt32(b, 0, version);
    System.arraycopy(prevHash, 0, b, 4, 32);
    System.arraycopy(merkleRoot, 0, b, 36, 32);
    LittleEndian.putInt32(b, 68, (int) time);
    LittleEndian.putInt32(b, 72, (int) bits);
    LittleEndian.putInt32(b, 76, (int) nonce);
    return b;
  }

  /** nVersion (BIP9 version bits). */
  public int version() {
    return version;
  }

  /** Previous block hash, internal byte order (a copy). */
  public byte[] prevHash() {
    return prevHash.clone();
  }

  /** Merkle root, internal byte order (a copy). */
  public byte[] merkleRoot() {
    return merkleRoot.clone();
  }

  /** Block time, seconds since the epoch. */
  public long time() {
    return time;
  }

  /** Compact difficulty target. */
  public long bits() {
    return bits;
  }

  /** Nonce. */
  public long nonce() {
    return nonce;
  }

  /** Block hash, internal byte order (a copy). */
  public byte[] hash() {
    return hash.clone();
  }

  /** Block hash as bitcoind displays it. */
  public String hashHex() {
    return Hashes.toDisplayHex(hash);
  }

  /** Previous block hash as bitcoind displays it. */
  public String prevHashHex() {
    return Hashes.toDisplayHex(prevHash);
  }

  /** Merkle root as bitcoind displays it. */
  public String merkleRootHex() {
    return Hashes.toDisplayHex(merkleRoot);
  }

  /** Whether the merkle root equals the 32 bytes (internal order) at {@code off} of {@code other}. */
  public boolean merkleRootEquals(byte[] other, int off) {
    return Arrays.equals(merkleRoot, 0, 32, other, off, off + 32);
  }

  /** Whether the hash meets the target encoded in {@link #bits()}. */
  public boolean hasValidProofOfWork() {
    return ProofOfWork.meetsTarget(hash, bits);
  }

  @Override
  public String toString() {
    return "BlockHeader[" + hashHex() + "]";
  }

  private static void checkUint32(String what, long v) {
    if (v < 0 || v > 0xffffffffL) {
      throw new IllegalArgumentException(what + " must be an unsigned 32-bit value: " + v);
    }
  }
}
