package me.flashapp.gateway.bitcoin;

import java.util.Arrays;

/**
 * Parses a serialized block ({@code header:80 txCount:CompactSize tx*}) in one pass over the
 * caller's array, handing each transaction to a {@link TxVisitor} with its txid computed.
 *
 * <p>Reusable and allocation-light: one {@link RawTx} view, one digest and a growing txid table
 * are kept across blocks, so a block costs one small {@link BlockHeader} object. The txids of the
 * last block stay available for {@link #computeMerkleRoot} (a caller verifies a block received
 * over ZMQ against its header that way). Not thread-safe: one parser per thread or context.
 */
public final class BlockParser {
  // A transaction is at least version + 1 input + counts + locktime; bounds the tx count.
  private static final int MIN_TX_SIZE = 4 + 1 + 41 + 1 + 4;

  private final RawTx tx = new RawTx();
  private final Sha256d sha = new Sha256d();
  private byte[] txids = new byte[32 * 4096];
  private byte[] scratch = new byte[0];
  private int txCount;

  /** Parses a whole array as one block. */
  public BlockHeader parse(byte[] block, TxVisitor visitor) throws BitcoinParseException {
    return parse(block, 0, block.length, visitor);
  }

  /**
   * Parses the block occupying exactly {@code [off, off + len)}.
   *
   * @throws BitcoinParseException if the bytes are malformed or the block does not end exactly at
   *     {@code off + len}
   */
  public BlockHeader parse(byte[] block, int off, int len, TxVisitor visitor) throws BitcoinParseException {
    int limit = off + len;
    if (off < 0 || len < 0 || limit > block.length) {
      throw new IllegalArgumentException("range outside the array");
    }
    txCount = 0;
    if (len < BlockHeader.SIZE) {
      throw new BitcoinParseException("truncated block header", off);
    }
    BlockHeader header = BlockHeader.parse(block, off, sha);
    int pos = off + BlockHeader.SIZE;
    int n = readTxCount(block, pos, limit);
    pos += compactSizeLength(block[pos]);
    if (txids.length < (n + 1) * 32) {
      txids = new byte[Math.max((n + 1) * 32, txids.length * 2)];
    }
    for (int i = 0; i < n; i++) {
      pos = tx.parse(block, pos, limit);
      tx.setIndex(i);
      tx.txidInto(txids, i * 32);
      txCount = i + 1;
      visitor.transaction(tx);
    }
    if (pos != limit) {
      throw new BitcoinParseException((limit - pos) + " trailing bytes after the last transaction", pos);
    }
    return header;
  }

  private static int readTxCount(byte[] b, int pos, int limit) throws BitcoinParseException {
    if (pos >= limit) {
      throw new BitcoinParseException("truncated block: no transaction count", pos);
    }
    int first = b[pos] & 0xff;
    long n;
    int size = compactSizeLength(b[pos]);
    if (limit - pos < size) {
      throw new BitcoinParseException("truncated transaction count", pos);
    }
    if (first < 0xfd) {
      n = first;
    } else if (first == 0xfd) {
      n = LittleEndian.uint16(b, pos + 1);
    } else if (first == 0xfe) {
      n = LittleEndian.uint32(b, pos + 1);
    } else {
      n = LittleEndian.int64(b, pos + 1);
    }
    boolean canonical = first < 0xfd || (first == 0xfd && n >= 0xfd) || (first == 0xfe && n > 0xffff)
        || (first == 0xff && (n < 0 || n > 0xffffffffL));
    if (!canonical) {
      throw new BitcoinParseException("non-canonical CompactSize for the transaction count", pos);
    }
    long remaining = limit - pos - size;
    if (n <= 0 || n > remaining / MIN_TX_SIZE) {
      throw new BitcoinParseException(
          "transaction count " + Long.toUnsignedString(n) + " impossible in " + remaining + " bytes", pos);
    }
    return (int) n;
  }

  private static int compactSizeLength(byte first) {
    int f = first & 0xff;
    return f < 0xfd ? 1 : f == 0xfd ? 3 : f == 0xfe ? 5 : 9;
  }

  /** Number of transactions parsed from the last block (so far, if parsing failed midway). */
  public int txCount() {
    return txCount;
  }

  /** Copies txid {@code i} (internal order) of the last block into {@code dst}. */
  public void txidInto(int i, byte[] dst, int dstOff) {
    if (i < 0 || i >= txCount) {
      throw new IndexOutOfBoundsException("tx " + i + " of " + txCount);
    }
    System.arraycopy(txids, i * 32, dst, dstOff, 32);
  }

  /** Computes the merkle root of the last block's txids into {@code out} (internal order). */
  public void computeMerkleRoot(byte[] out, int outOff) {
    if (scratch.length < (txCount + 1) * 32) {
      scratch = new byte[Math.max((txCount + 1) * 32, txids.length)];
    }
    System.arraycopy(txids, 0, scratch, 0, txCount * 32);
    MerkleRoot.computeInPlace(scratch, txCount, sha, out, outOff);
  }

  /** A copy of the last block's txids, each 32 bytes in internal order. */
  public byte[] txids() {
    return Arrays.copyOf(txids, txCount * 32);
  }
}
