package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Built transactions and blocks parse back to the same txids, hashes and outputs. */
class BuilderRoundTripTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void legacyTransactionRoundTrips() throws Exception {
    byte[] p2pkh = Scripts.p2pkh(new byte[20]);
    byte[] tx = new TxBuilder().version(1).lockTime(500)
        .spend("aa".repeat(32), 7)
        .addOutput(12_345L, p2pkh)
        .addOutput(RawTx.MAX_MONEY, Scripts.opReturn("hi".getBytes()))
        .build();
    RawTx view = new RawTx();
    assertThat(view.parse(tx, 0, tx.length)).isEqualTo(tx.length);
    assertThat(view.hasWitness()).isFalse();
    assertThat(view.version()).isEqualTo(1);
    assertThat(view.lockTime()).isEqualTo(500);
    assertThat(Hashes.toDisplayHex(tx, view.inputPrevTxidOffset(0))).isEqualTo("aa".repeat(32));
    assertThat(view.inputVout(0)).isEqualTo(7);
    assertThat(view.inputSequence(0)).isEqualTo(TxBuilder.SEQUENCE_RBF);
    assertThat(view.outputValue(0)).isEqualTo(12_345L);
    assertThat(view.outputScript(0)).isEqualTo(p2pkh);
    assertThat(view.outputValue(1)).isEqualTo(RawTx.MAX_MONEY);
    // Legacy: the txid is the hash of the whole serialization.
    assertThat(view.txid()).isEqualTo(Sha256d.of(tx));
  }

  @Test
  void segwitTransactionTxidExcludesWitness() throws Exception {
    byte[] spk = Scripts.p2tr(new byte[32]);
    TxBuilder b = new TxBuilder().spendSegwit("01".repeat(32), 0).spend("02".repeat(32), 1).addOutput(99, spk);
    byte[] tx = b.build();
    RawTx view = new RawTx();
    view.parse(tx, 0, tx.length);
    assertThat(view.hasWitness()).isTrue();
    assertThat(view.inputCount()).isEqualTo(2);
    assertThat(TxBuilder.txid(tx)).isEqualTo(view.txid());
    assertThat(view.txid()).isNotEqualTo(TxBuilder.wtxid(tx));

    // The same transaction without witness data has the same txid.
    byte[] stripped = new TxBuilder().addInput(Hashes.fromDisplayHex("01".repeat(32)), 0, new byte[0],
        TxBuilder.SEQUENCE_RBF, List.of()).spend("02".repeat(32), 1).addOutput(99, spk).build();
    assertThat(stripped.length).isEqualTo(view.strippedLength());
    assertThat(TxBuilder.txid(stripped)).isEqualTo(view.txid());
  }

  @Test
  void knownMainnetTransactionIsReproduced() throws Exception {
    // Rebuild tx 1 of block 709632 field by field from its parsed view: same bytes, same txid.
    byte[] block = TestBlocks.block(709632);
    List<byte[]> rebuilt = new ArrayList<>();
    List<byte[]> originals = new ArrayList<>();
    new BlockParser().parse(block, tx -> {
      if (tx.index() < 1 || tx.index() > 30 || tx.hasWitness()) {
        return;
      }
      TxBuilder b = new TxBuilder().version(tx.version()).lockTime(tx.lockTime());
      for (int i = 0; i < tx.inputCount(); i++) {
        int o = tx.inputPrevTxidOffset(i);
        b.addInput(java.util.Arrays.copyOfRange(block, o, o + 32), tx.inputVout(i),
            java.util.Arrays.copyOfRange(block, tx.inputScriptSigOffset(i),
                tx.inputScriptSigOffset(i) + tx.inputScriptSigLength(i)),
            tx.inputSequence(i), List.of());
      }
      for (int i = 0; i < tx.outputCount(); i++) {
        b.addOutput(tx.outputValue(i), tx.outputScript(i));
      }
      rebuilt.add(b.build());
      originals.add(java.util.Arrays.copyOfRange(block, tx.offset(), tx.offset() + tx.length()));
    });
    assertThat(rebuilt).isNotEmpty();
    for (int i = 0; i < rebuilt.size(); i++) {
      assertThat(rebuilt.get(i)).isEqualTo(originals.get(i));
    }
  }

  @Test
  void blockRoundTripsWithWitnessCommitment() throws Exception {
    byte[] payTo = Scripts.p2wpkh(Hashes.hash160(new byte[33]));
    byte[] tx1 = new TxBuilder().spendSegwit("03".repeat(32), 0).addOutput(50_000, payTo).build();
    byte[] tx2 = new TxBuilder().spend("04".repeat(32), 2).addOutput(1_000, Scripts.p2sh(new byte[20])).build();
    byte[] prev = Hashes.fromDisplayHex("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
    BlockBuilder.Block built = new BlockBuilder(prev, 201)
        .time(1_700_000_000L)
        .coinbasePayout(payTo, 5_000_000_000L)
        .addTransaction(tx1)
        .addTransaction(tx2)
        .build();

    BlockParser parser = new BlockParser();
    List<String> txids = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    byte[][] coinbaseScripts = new byte[1][];
    BlockHeader header = parser.parse(built.bytes(), tx -> {
      txids.add(tx.txidHex());
      values.add(tx.outputValue(0));
      if (tx.index() == 0) {
        coinbaseScripts[0] = java.util.Arrays.copyOfRange(tx.buffer(), tx.inputScriptSigOffset(0),
            tx.inputScriptSigOffset(0) + tx.inputScriptSigLength(0));
        assertThat(tx.isCoinbase()).isTrue();
        assertThat(tx.hasWitness()).isTrue();
        assertThat(tx.outputCount()).isEqualTo(2);
        byte[] commitment = tx.outputScript(1);
        assertThat(HEX.formatHex(commitment)).startsWith("6a24aa21a9ed");
      }
    });
    assertThat(txids).containsExactlyElementsOf(built.txids());
    assertThat(txids.get(1)).isEqualTo(Hashes.toDisplayHex(TxBuilder.txid(tx1)));
    assertThat(values).containsExactly(5_000_000_000L, 50_000L, 1_000L);
    assertThat(header.hashHex()).isEqualTo(built.hashHex());
    assertThat(header.prevHashHex()).isEqualTo("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
    assertThat(header.bits()).isEqualTo(ProofOfWork.REGTEST_BITS);
    assertThat(header.time()).isEqualTo(1_700_000_000L);
    assertThat(header.hasValidProofOfWork()).isTrue();
    byte[] root = new byte[32];
    parser.computeMerkleRoot(root, 0);
    assertThat(header.merkleRootEquals(root, 0)).isTrue();
    // BIP34: height 201 = 0xc9 needs a sign byte: push of 2 bytes c9 00.
    assertThat(HEX.formatHex(coinbaseScripts[0])).startsWith("02c90000");
  }

  @Test
  void legacyOnlyBlockHasNoCommitmentAndDistinctTagsGiveDistinctCoinbases() throws Exception {
    byte[] prev = new byte[32];
    BlockBuilder.Block a = new BlockBuilder(prev, 1).time(1L).coinbasePayout(Scripts.p2sh(new byte[20]), 50).build();
    BlockBuilder.Block b = new BlockBuilder(prev, 1).time(1L).coinbasePayout(Scripts.p2sh(new byte[20]), 50)
        .coinbaseTag(new byte[] {1}).build();
    assertThat(a.txids().get(0)).isNotEqualTo(b.txids().get(0));
    new BlockParser().parse(a.bytes(), tx -> {
      assertThat(tx.hasWitness()).isFalse();
      assertThat(tx.outputCount()).isEqualTo(1);
      // Height 1 is OP_1 (BIP34 uses CScript() << height), then OP_0.
      assertThat(tx.buffer()[tx.inputScriptSigOffset(0)]).isEqualTo((byte) 0x51);
    });
  }

  @Test
  void scriptNumbersAreMinimal() {
    assertThat(HEX.formatHex(Scripts.pushNumber(0))).isEqualTo("00");
    assertThat(HEX.formatHex(Scripts.pushNumber(16))).isEqualTo("60");
    assertThat(HEX.formatHex(Scripts.pushNumber(17))).isEqualTo("0111");
    assertThat(HEX.formatHex(Scripts.pushNumber(128))).isEqualTo("028000");
    assertThat(HEX.formatHex(Scripts.pushNumber(709632))).isEqualTo("0300d40a");
  }
}
