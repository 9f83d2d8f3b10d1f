package me.flashapp.gateway.bitcoin;

import java.util.Arrays;

/**
 * A reusable, zero-copy view of one serialized transaction: {@link #parse} walks the bytes once,
 * records where each input and output lies and computes the txid; the accessors then read
 * straight from the caller's array.
 *
 * <p>Layout (BIP144 for segwit): {@code version:4 [marker 0x00 flag 0x01] nIn:CompactSize
 * (prevTxid:32 vout:4 scriptSig:CompactSize+bytes sequence:4)* nOut:CompactSize
 * (value:8 scriptPubKey:CompactSize+bytes)* [witness stacks] locktime:4}. The txid is
 * SHA-256d of the same bytes without marker, flag and witness: the version, the contiguous
 * inputs-and-outputs range and the locktime are fed to one digest, so no stripped copy is built.
 *
 * <p>One instance is reused for every transaction of a block: nothing is allocated per
 * transaction, input or output once its arrays have grown to the largest transaction seen. The
 * view is valid until the next {@code parse}; copy what must outlive it. Not thread-safe.
 */
public final class RawTx {
  /** Upper bound on a money amount (21 million BTC); larger or negative values are malformed. */
  public static final long MAX_MONEY = 21_000_000L * 100_000_000L;

  // Smallest serialized sizes, used to reject counts that cannot fit in the remaining bytes
  // before any array is sized from them (an absurd CompactSize must never become an OOM).
  private static final int MIN_INPUT_SIZE = 32 + 4 + 1 + 4;
  private static final int MIN_OUTPUT_SIZE = 8 + 1;

  private final Sha256d sha = new Sha256d();
  private final byte[] txid = new byte[32];

  private byte[] buf = new byte[0];
  private int start;
  private int end;
  private int ioStart;
  private int ioEnd;
  private boolean witness;
  private int index;

  private int inputCount;
  private int[] inputOff = new int[16];
  private int[] scriptSigOff = new int[16];
  private int[] scriptSigLen = new int[16];

  private int outputCount;
  private int[] valueOff = new int[16];
  private int[] scriptOff = new int[16];
  private int[] scriptLen = new int[16];

  // Parse cursor, a field so CompactSize reads can advance it without returning a pair.
  private int pos;
  private int limit;

  /**
   * Parses the transaction that starts at {@code off} and must end at or before {@code limit}.
   *
   * @return the offset just past the transaction
   * @throws BitcoinParseException if the bytes are not a well-formed transaction
   */
  public int parse(byte[] bytes, int off, int limit) throws BitcoinParseException {
    if (off < 0 || limit > bytes.length || off > limit) {
      throw new IllegalArgumentException("range [" + off + ", " + limit + ") outside the array");
    }
    this.buf = bytes;
    this.start = off;
    this.limit = limit;
    this.pos = off;
    this.inputCount = 0;
    this.outputCount = 0;
    this.index = 0;

    need(4 + 1);
    pos += 4;
    witness = false;
    if (bytes[pos] == 0) {
      // A zero input count is the segwit marker; legacy transactions always have an input.
      need(2);
      if (bytes[pos + 1] != 1) {
        throw new BitcoinParseException("segwit marker without flag 0x01 (or a transaction with no inputs)", pos);
      }
      witness = true;
      pos += 2;
    }
    ioStart = pos;
    readInputs();
    readOutputs();
    ioEnd = pos;
    if (witness) {
      skipWitnesses();
    }
    need(4);
    pos += 4;
    end = pos;

    sha.reset();
    sha.update(bytes, start, 4);
    sha.update(bytes, ioStart, ioEnd - ioStart);
    sha.update(bytes, end - 4, 4);
    sha.finish(txid, 0);
    return end;
  }

  private void readInputs() throws BitcoinParseException {
    int n = readCount(MIN_INPUT_SIZE, "input count");
    if (n == 0) {
      throw new BitcoinParseException("transaction has no inputs", pos);
    }
    if (n > inputOff.length) {
      int cap = Math.max(n, inputOff.length * 2);
      inputOff = Arrays.copyOf(inputOff, cap);
      scriptSigOff = Arrays.copyOf(scriptSigOff, cap);
      scriptSigLen = Arrays.copyOf(scriptSigLen, cap);
    }
    for (int i = 0; i < n; i++) {
      need(36);
      inputOff[i] = pos;
      pos += 36;
      int len = readCount(1, "scriptSig length");
      scriptSigOff[i] = pos;
      scriptSigLen[i] = len;
      pos += len;
      need(4);
      pos += 4;
    }
    inputCount = n;
  }

  private void readOutputs() throws BitcoinParseException {
    int n = readCount(MIN_OUTPUT_SIZE, "output count");
    if (n > valueOff.length) {
      int cap = Math.max(n, valueOff.length * 2);
      valueOff = Arrays.copyOf(valueOff, cap);
      scriptOff = Arrays.copyOf(scriptOff, cap);
      scriptLen = Arrays.copyOf(scriptLen, cap);
    }
    for (int i = 0; i < n; i++) {
      need(8);
      long value = LittleEndian.int64(buf, pos);
      if (value < 0 || value > MAX_MONEY) {
        throw new BitcoinParseException("output value " + value + " outside 0.." + MAX_MONEY, pos);
      }
      valueOff[i] = pos;
      pos += 8;
      int len = readCount(1, "scriptPubKey length");
      scriptOff[i] = pos;
      scriptLen[i] = len;
      pos += len;
    }
    outputCount = n;
  }

  private void skipWitnesses() throws BitcoinParseException {
    for (int i = 0; i < inputCount; i++) {
      int items = readCount(1, "witness item count");
      for (int k = 0; k < items; k++) {
        int len = readCount(1, "witness item length");
        pos += len;
      }
    }
  }

  /**
   * Reads a canonical CompactSize and checks that {@code value * minItemSize} bytes remain, so
   * every count or length is bounded by the input before it is used to size or skip anything.
   */
  private int readCount(int minItemSize, String what) throws BitcoinParseException {
    need(1);
    int at = pos;
    int first = buf[pos] & 0xff;
    long value;
    if (first < 0xfd) {
      value = first;
      pos += 1;
    } else if (first == 0xfd) {
      need(3);
      value = LittleEndian.uint16(buf, pos + 1);
      pos += 3;
      if (value < 0xfd) {
        throw new BitcoinParseException("non-canonical CompactSize for " + what, at);
      }
    } else if (first == 0xfe) {
      need(5);
      value = LittleEndian.uint32(buf, pos + 1);
      pos += 5;
      if (value <= 0xffff) {
        throw new BitcoinParseException("non-canonical CompactSize for " + what, at);
      }
    } else {
      need(9);
      value = LittleEndian.int64(buf, pos + 1);
      pos += 9;
      if (value >= 0 && value <= 0xffffffffL) {
        throw new BitcoinParseException("non-canonical CompactSize for " + what, at);
      }
    }
    long remaining = limit - pos;
    if (value < 0 || value > remaining / minItemSize) {
      throw new BitcoinParseException(
          what + " " + Long.toUnsignedString(value) + " exceeds the " + remaining + " bytes left", at);
    }
    return (int) value;
  }

  private void need(int n) throws BitcoinParseException {
    if (limit - pos < n) {
      throw new BitcoinParseException("truncated transaction: need " + n + " more bytes", pos);
    }
  }

  void setIndex(int index) {
    this.index = index;
  }

  /** Position of this transaction in its block (0 = coinbase); 0 when parsed on its own. */
  public int index() {
    return index;
  }

  /** The array the transaction was parsed from; all offsets returned by this view point into it. */
  public byte[] buffer() {
    return buf;
  }

  /** Offset of the first byte of the transaction. */
  public int offset() {
    return start;
  }

  /** Serialized size in bytes, witness included. */
  public int length() {
    return end - start;
  }

  /** Size in bytes without the segwit marker, flag and witness (what the txid hashes). */
  public int strippedLength() {
    return 4 + (ioEnd - ioStart) + 4;
  }

  /** Whether the transaction is in segwit serialization (has marker, flag and witnesses). */
  public boolean hasWitness() {
    return witness;
  }

  /** The nVersion field. */
  public int version() {
    return LittleEndian.int32(buf, start);
  }

  /** The nLockTime field (unsigned 32-bit). */
  public long lockTime() {
    return LittleEndian.uint32(buf, end - 4);
  }

  /** Copies the 32-byte txid, internal byte order, into {@code dst} at {@code dstOff}. */
  public void txidInto(byte[] dst, int dstOff) {
    System.arraycopy(txid, 0, dst, dstOff, 32);
  }

  /** A fresh copy of the txid in internal byte order. */
  public byte[] txid() {
    return txid.clone();
  }

  /** The txid as bitcoind displays it (byte-reversed hex). Allocates. */
  public String txidHex() {
    return Hashes.toDisplayHex(txid);
  }

  /** Whether this txid equals the 32 bytes (internal order) at {@code off} in {@code other}. */
  public boolean txidEquals(byte[] other, int off) {
    return Arrays.equals(txid, 0, 32, other, off, off + 32);
  }

  /** Whether this is a coinbase: a single input spending the null outpoint. */
  public boolean isCoinbase() {
    if (inputCount != 1 || LittleEndian.int32(buf, inputOff[0] + 32) != -1) {
      return false;
    }
    int o = inputOff[0];
    for (int i = 0; i < 32; i++) {
      if (buf[o + i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Number of inputs. */
  public int inputCount() {
    return inputCount;
  }

  /** Offset in {@link #buffer()} of input {@code i}'s previous txid (32 bytes, internal order). */
  public int inputPrevTxidOffset(int i) {
    checkInput(i);
    return inputOff[i];
  }

  /** Output index spent by input {@code i} (unsigned 32-bit). */
  public long inputVout(int i) {
    checkInput(i);
    return LittleEndian.uint32(buf, inputOff[i] + 32);
  }

  /** Offset in {@link #buffer()} of input {@code i}'s scriptSig. */
  public int inputScriptSigOffset(int i) {
    checkInput(i);
    return scriptSigOff[i];
  }

  /** Length of input {@code i}'s scriptSig. */
  public int inputScriptSigLength(int i) {
    checkInput(i);
    return scriptSigLen[i];
  }

  /** nSequence of input {@code i} (unsigned 32-bit). */
  public long inputSequence(int i) {
    checkInput(i);
    return LittleEndian.uint32(buf, scriptSigOff[i] + scriptSigLen[i]);
  }

  /** Number of outputs. */
  public int outputCount() {
    return outputCount;
  }

  /** Value of output {@code i} in satoshis. */
  public long outputValue(int i) {
    checkOutput(i);
    return LittleEndian.int64(buf, valueOff[i]);
  }

  /** Offset in {@link #buffer()} of output {@code i}'s scriptPubKey. */
  public int outputScriptOffset(int i) {
    checkOutput(i);
    return scriptOff[i];
  }

  /** Length of output {@code i}'s scriptPubKey. */
  public int outputScriptLength(int i) {
    checkOutput(i);
    return scriptLen[i];
  }

  /** A copy of output {@code i}'s scriptPubKey (allocates; for matched outputs only). */
  public byte[] outputScript(int i) {
    checkOutput(i);
    return Arrays.copyOfRange(buf, scriptOff[i], scriptOff[i] + scriptLen[i]);
  }

  private void checkInput(int i) {
    if (i < 0 || i >= inputCount) {
      throw new IndexOutOfBoundsException("input " + i + " of " + inputCount);
    }
  }

  private void checkOutput(int i) {
    if (i < 0 || i >= outputCount) {
      throw new IndexOutOfBoundsException("output " + i + " of " + outputCount);
    }
  }
}
