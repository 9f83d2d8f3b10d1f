package me.flashapp.gateway.bitcoin;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles blocks for the devnet simulator the way bitcoind's miner does: a coinbase carrying
 * the BIP34 height, the BIP141 witness commitment when a transaction has witness data, the merkle
 * root, then a nonce ground until the header hash meets the target.
 *
 * <p>Meant for regtest's minimum difficulty ({@link ProofOfWork#REGTEST_BITS}, two tries on
 * average); with a real target the nonce search would give up after 2^32 tries. The block time is
 * given by the caller, so building stays a pure function of its inputs.
 */
public final class BlockBuilder {
  private static final byte[] WITNESS_COMMITMENT_HEADER = {0x6a, 0x24, (byte) 0xaa, 0x21, (byte) 0xa9, (byte) 0xed};

  private final byte[] prevHash;
  private final int height;
  private int version = 0x20000000;
  private long time;
  private long bits = ProofOfWork.REGTEST_BITS;
  private byte[] payoutScript = Scripts.opReturn(new byte[0]);
  private long payoutValue;
  private byte[] coinbaseTag = new byte[0];
  private final List<byte[]> txs = new ArrayList<>();

  /** The result: the serialized block, its header and its txids (coinbase first). */
  public record Block(byte[] bytes, BlockHeader header, List<String> txids) {
    /** Block hash as bitcoind displays it. */
    public String hashHex() {
      return header.hashHex();
    }
  }

  /**
   * @param prevHash the parent's hash, internal byte order
   * @param height this block's height (goes into the coinbase per BIP34)
   */
  public BlockBuilder(byte[] prevHash, int height) {
    if (prevHash.length != 32) {
      throw new IllegalArgumentException("prevHash must be 32 bytes");
    }
    if (height < 0) {
      throw new IllegalArgumentException("height must be >= 0");
    }
    this.prevHash = prevHash.clone();
    this.height = height;
  }

  /** Header nVersion (default 0x20000000, BIP9 with no bits set). */
  public BlockBuilder version(int version) {
    this.version = version;
    return this;
  }

  /** Header time, seconds since the epoch. */
  public BlockBuilder time(long epochSeconds) {
    this.time = epochSeconds;
    return this;
  }

  /** Compact target (default regtest's 0x207fffff). */
  public BlockBuilder bits(long bits) {
    this.bits = bits;
    return this;
  }

  /** Who the coinbase pays and how much (subsidy plus fees, decided by the simulator). */
  public BlockBuilder coinbasePayout(byte[] scriptPubKey, long sats) {
    if (sats < 0 || sats > RawTx.MAX_MONEY) {
      throw new IllegalArgumentException("amount out of range: " + sats);
    }
    this.payoutScript = scriptPubKey.clone();
    this.payoutValue = sats;
    return this;
  }

  /**
   * Extra coinbase scriptSig bytes after the height. Two blocks at the same height paying the same
   * script (a reorg replacing a block) need different tags or their coinbases share a txid.
   */
  public BlockBuilder coinbaseTag(byte[] tag) {
    this.coinbaseTag = tag.clone();
    return this;
  }

  /** Appends a serialized transaction (in block order, after the coinbase). */
  public BlockBuilder addTransaction(byte[] rawTx) {
    txs.add(rawTx.clone());
    return this;
  }

  /** Builds the coinbase, the merkle root and grinds the nonce. */
  public Block build() {
    RawTx view = new RawTx();
    int n = txs.size() + 1;
    byte[] txids = new byte[(n + 1) * 32];
    byte[] wtxids = new byte[(n + 1) * 32];
    boolean anyWitness = false;
    for (int i = 0; i < txs.size(); i++) {
      byte[] tx = txs.get(i);
      try {
        if (view.parse(tx, 0, tx.length) != tx.length) {
          throw new IllegalArgumentException("transaction " + i + " has trailing bytes");
        }
      } catch (BitcoinParseException e) {
        throw new IllegalArgumentException("transaction " + i + " is malformed: " + e.getMessage(), e);
      }
      anyWitness |= view.hasWitness();
      view.txidInto(txids, (i + 1) * 32);
      System.arraycopy(Sha256d.of(tx), 0, wtxids, (i + 1) * 32, 32);
    }

    byte[] coinbase = coinbase(anyWitness, wtxids, n);
    System.arraycopy(TxBuilder.txid(coinbase), 0, txids, 0, 32);
    List<String> txidHex = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      txidHex.add(Hashes.toDisplayHex(txids, i * 32));
    }
    byte[] merkleRoot = new byte[32];
    MerkleRoot.computeInPlace(txids, n, new Sha256d(), merkleRoot, 0);

    BlockHeader header = grind(merkleRoot);
    TxBuilder.Writer w = new TxBuilder.Writer();
    w.bytes(header.serialize());
    w.compactSize(n);
    w.bytes(coinbase);
    for (byte[] tx : txs) {
      w.bytes(tx);
    }
    return new Block(w.toByteArray(), header, List.copyOf(txidHex));
  }

  private byte[] coinbase(boolean withWitness, byte[] wtxids, int n) {
    ByteArrayOutputStream scriptSig = new ByteArrayOutputStream();
    scriptSig.writeBytes(Scripts.pushNumber(height));
    // bitcoind appends OP_0 too; it also keeps the scriptSig at the 2-byte consensus minimum.
    scriptSig.write(0x00);
    scriptSig.writeBytes(coinbaseTag);
    if (scriptSig.size() > 100) {
      throw new IllegalArgumentException("coinbase scriptSig exceeds 100 bytes");
    }
    TxBuilder cb = new TxBuilder().version(2);
    byte[] reserved = new byte[32];
    cb.addInput(new byte[32], 0xffffffffL, scriptSig.toByteArray(), TxBuilder.SEQUENCE_FINAL,
        withWitness ? List.of(reserved) : List.of());
    cb.addOutput(payoutValue, payoutScript);
    if (withWitness) {
      // BIP141: the coinbase's wtxid counts as zero; commit to SHA-256d(witness root || reserved).
      Arrays.fill(wtxids, 0, 32, (byte) 0);
      byte[] witnessRoot = new byte[32];
      MerkleRoot.computeInPlace(wtxids, n, new Sha256d(), witnessRoot, 0);
      byte[] both = new byte[64];
      System.arraycopy(witnessRoot, 0, both, 0, 32);
      byte[] commitment = Sha256d.of(both);
      byte[] script = Arrays.copyOf(WITNESS_COMMITMENT_HEADER, 38);
      System.arraycopy(commitment, 0, script, 6, 32);
      cb.addOutput(0, script);
    }
    return cb.build();
  }

  private BlockHeader grind(byte[] merkleRoot) {
    for (long nonce = 0; nonce <= 0xffffffffL; nonce++) {
      BlockHeader h = new BlockHeader(version, prevHash, merkleRoot, time, bits, nonce);
      if (h.hasValidProofOfWork()) {
        return h;
      }
    }
    throw new IllegalStateException("no nonce meets target " + Long.toHexString(bits));
  }
}
