package me.flashapp.gateway.bitcoin;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds well-formed (unsigned) transactions for the devnet simulator: any outpoints spent with
 * an empty or dummy scriptSig/witness, any scriptPubKeys paid. Nothing is signed or validated
 * against a UTXO set; the result only has to parse like a real transaction.
 *
 * <p>The segwit serialization (BIP144) is used as soon as one input carries a witness.
 */
public final class TxBuilder {
  /** nSequence that signals replace-by-fee and enables locktime, as current wallets send. */
  public static final long SEQUENCE_RBF = 0xfffffffdL;
  /** nSequence of a final input (and of the coinbase input). */
  public static final long SEQUENCE_FINAL = 0xffffffffL;

  private record Input(byte[] prevTxid, long vout, byte[] scriptSig, long sequence, List<byte[]> witness) {}

  private record Output(long value, byte[] script) {}

  private int version = 2;
  private long lockTime;
  private final List<Input> inputs = new ArrayList<>();
  private final List<Output> outputs = new ArrayList<>();

  /** Sets nVersion (default 2). */
  public TxBuilder version(int version) {
    this.version = version;
    return this;
  }

  /** Sets nLockTime (default 0). */
  public TxBuilder lockTime(long lockTime) {
    checkUint32("lockTime", lockTime);
    this.lockTime = lockTime;
    return this;
  }

  /**
   * Adds an input.
   *
   * @param prevTxid the spent transaction's id, internal byte order (32 bytes)
   * @param witness witness stack items; empty for a legacy input
   */
  public TxBuilder addInput(byte[] prevTxid, long vout, byte[] scriptSig, long sequence, List<byte[]> witness) {
    if (prevTxid.length != 32) {
      throw new IllegalArgumentException("txid must be 32 bytes");
    }
    checkUint32("vout", vout);
    checkUint32("sequence", sequence);
    inputs.add(new Input(prevTxid.clone(), vout, scriptSig.clone(), sequence, List.copyOf(witness)));
    return this;
  }

  /** Spends {@code txidHex:vout} (display-order txid) with an empty scriptSig and no witness. */
  public TxBuilder spend(String txidHex, long vout) {
    return addInput(Hashes.fromDisplayHex(txidHex), vout, new byte[0], SEQUENCE_RBF, List.of());
  }

  /**
   * Spends {@code txidHex:vout} like a P2WPKH input would look: empty scriptSig, a witness of a
   * 72-byte dummy signature and a 33-byte dummy public key (realistic size, not valid).
   */
  public TxBuilder spendSegwit(String txidHex, long vout) {
    byte[] sig = new byte[72];
    sig[0] = 0x30;
    byte[] pub = new byte[33];
    pub[0] = 0x02;
    return addInput(Hashes.fromDisplayHex(txidHex), vout, new byte[0], SEQUENCE_RBF, List.of(sig, pub));
  }

  /** Pays {@code sats} to {@code scriptPubKey}. */
  public TxBuilder addOutput(long sats, byte[] scriptPubKey) {
    if (sats < 0 || sats > RawTx.MAX_MONEY) {
      throw new IllegalArgumentException("amount out of range: " + sats);
    }
    outputs.add(new Output(sats, scriptPubKey.clone()));
    return this;
  }

  /** Whether the built transaction will use the segwit serialization. */
  public boolean hasWitness() {
    for (Input in : inputs) {
      if (!in.witness().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Serializes the transaction. */
  public byte[] build() {
    if (inputs.isEmpty()) {
      throw new IllegalStateException("a transaction needs at least one input");
    }
    boolean segwit = hasWitness();
    Writer w = new Writer();
    w.int32(version);
    if (segwit) {
      w.byte1(0x00);
      w.byte1(0x01);
    }
    w.compactSize(inputs.size());
    for (Input in : inputs) {
      w.bytes(in.prevTxid());
      w.int32((int) in.vout());
      w.varBytes(in.scriptSig());
      w.int32((int) in.sequence());
    }
    w.compactSize(outputs.size());
    for (Output out : outputs) {
      w.int64(out.value());
      w.varBytes(out.script());
    }
    if (segwit) {
      for (Input in : inputs) {
        w.compactSize(in.witness().size());
        for (byte[] item : in.witness()) {
          w.varBytes(item);
        }
      }
    }
    w.int32((int) lockTime);
    return w.toByteArray();
  }

  /** The txid (internal byte order) of serialized transaction bytes. */
  public static byte[] txid(byte[] tx) {
    RawTx view = new RawTx();
    try {
      view.parse(tx, 0, tx.length);
    } catch (BitcoinParseException e) {
      throw new IllegalArgumentException("not a transaction: " + e.getMessage(), e);
    }
    return view.txid();
  }

  /** The wtxid (BIP141: SHA-256d of the full serialization, witness included). */
  public static byte[] wtxid(byte[] tx) {
    return Sha256d.of(tx);
  }

  private static void checkUint32(String what, long v) {
    if (v < 0 || v > 0xffffffffL) {
      throw new IllegalArgumentException(what + " must be an unsigned 32-bit value: " + v);
    }
  }

  /** Little-endian wire writer. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private final byte[] word = new byte[8];

    void byte1(int b) {
      out.write(b);
    }

    void int32(int v) {
      LittleEndian.putInt32(word, 0, v);
      out.write(word, 0, 4);
    }

    void int64(long v) {
      LittleEndian.putInt64(word, 0, v);
      out.write(word, 0, 8);
    }

    void bytes(byte[] b) {
      out.write(b, 0, b.length);
    }

    void compactSize(long n) {
      if (n < 0xfd) {
        out.write((int) n);
      } else if (n <= 0xffff) {
        out.write(0xfd);
        LittleEndian.putInt16(word, 0, (int) n);
        out.write(word, 0, 2);
      } else if (n <= 0xffffffffL) {
        out.write(0xfe);
        int32((int) n);
      } else {
        out.write(0xff);
        int64(n);
      }
    }

    void varBytes(byte[] b) {
      compactSize(b.length);
      bytes(b);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
