package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser against the two real mainnet blocks, checked with the figures in the data README. */
class BlockParserTest {

  /** Everything the README lists about a block, gathered in one pass. */
  private static final class Tally implements TxVisitor {
    final List<String> txids = new ArrayList<>();
    final Map<ScriptType, Integer> outputsByType = new EnumMap<>(ScriptType.class);
    long totalValue;
    long coinbaseValue;
    int inputs;
    int outputs;
    int withWitness;
    int v1;
    int v2;
    boolean coinbaseFirst;

    @Override
    public void transaction(RawTx tx) {
      txids.add(tx.txidHex());
      if (tx.index() == 0) {
        coinbaseFirst = tx.isCoinbase();
      } else {
        assertThat(tx.isCoinbase()).isFalse();
      }
      inputs += tx.inputCount();
      outputs += tx.outputCount();
      if (tx.hasWitness()) {
        withWitness++;
      }
      if (tx.version() == 1) {
        v1++;
      } else if (tx.version() == 2) {
        v2++;
      }
      for (int i = 0; i < tx.outputCount(); i++) {
        long v = tx.outputValue(i);
        totalValue += v;
        if (tx.index() == 0) {
          coinbaseValue += v;
        }
        ScriptType t = ScriptType.classify(tx.buffer(), tx.outputScriptOffset(i), tx.outputScriptLength(i));
        outputsByType.merge(t, 1, Integer::sum);
      }
    }
  }

  @Test
  void taprootActivationBlock709632() throws Exception {
    byte[] block = TestBlocks.block(709632);
    assertThat(block).hasSize(1410904);
    BlockParser parser = new BlockParser();
    Tally tally = new Tally();
    BlockHeader header = parser.parse(block, tally);

    assertThat(header.hashHex()).isEqualTo("0000000000000000000687bca986194dc2c1f949318629b44bb54ec0a94d8244");
    assertThat(header.prevHashHex()).isEqualTo("000000000000000000013712fc242ee6dd28476d0e9c931c75f83e6974c6bccc");
    assertThat(header.version()).isEqualTo(0x20200004);
    assertThat(header.time()).isEqualTo(1636866927L);
    assertThat(header.bits()).isEqualTo(0x170c69eaL);
    assertThat(header.nonce()).isEqualTo(1410298626L);
    assertThat(header.hasValidProofOfWork()).isTrue();
    assertThat(header.merkleRootHex()).isEqualTo("6ada3b10082068de09f7e819b65113d3c58969fd857aab2980c65f374714ec77");
    assertMerkleRootMatches(parser, header);

    assertThat(tally.txids).containsExactlyElementsOf(TestBlocks.txids(709632));
    assertThat(tally.txids).hasSize(2043);
    assertThat(parser.txCount()).isEqualTo(2043);
    assertThat(tally.coinbaseFirst).isTrue();
    assertThat(tally.withWitness).isEqualTo(1714);
    assertThat(tally.inputs).isEqualTo(6631);
    assertThat(tally.outputs).isEqualTo(7454);
    assertThat(tally.v1).isEqualTo(1052);
    assertThat(tally.v2).isEqualTo(991);
    assertThat(tally.outputsByType).containsExactlyInAnyOrderEntriesOf(Map.of(
        ScriptType.P2PKH, 1611, ScriptType.P2SH, 3024, ScriptType.P2WPKH, 2412,
        ScriptType.P2WSH, 222, ScriptType.P2TR, 14, ScriptType.OP_RETURN, 171));
    assertThat(tally.totalValue).isEqualTo(3806191929618L);
    assertThat(tally.coinbaseValue).isEqualTo(635380137L);
  }

  @Test
  void legacyBlock370661() throws Exception {
    byte[] block = TestBlocks.block(370661);
    BlockParser parser = new BlockParser();
    Tally tally = new Tally();
    BlockHeader header = parser.parse(block, tally);

    assertThat(header.hashHex()).isEqualTo("00000000000000001416a613602d73bbe5c79170fd8f39d509896b829cf9021e");
    assertThat(header.prevHashHex()).isEqualTo("000000000000000006a1fd8fe73dbbff3fb4fb63e4ecf9582021e2e64835cbf2");
    assertThat(header.version()).isEqualTo(0x20000007);
    assertThat(header.time()).isEqualTo(1440047432L);
    assertThat(header.bits()).isEqualTo(0x1814dd04L);
    assertThat(header.nonce()).isEqualTo(1936897106L);
    assertThat(header.hasValidProofOfWork()).isTrue();
    assertThat(header.merkleRootHex()).isEqualTo("3c7b591dfcf99424d884541ab8441e319370274716491f9955aa7787f2b7f216");
    assertMerkleRootMatches(parser, header);

    assertThat(tally.txids).containsExactlyElementsOf(TestBlocks.txids(370661));
    assertThat(tally.txids).hasSize(708);
    assertThat(tally.withWitness).isZero();
    assertThat(tally.inputs).isEqualTo(2006);
    assertThat(tally.outputs).isEqualTo(1823);
    assertThat(tally.v1).isEqualTo(708);
    assertThat(tally.outputsByType).containsExactlyInAnyOrderEntriesOf(Map.of(
        ScriptType.P2PKH, 1717, ScriptType.P2SH, 102, ScriptType.OP_RETURN, 2, ScriptType.OTHER, 2));
    assertThat(tally.totalValue).isEqualTo(497312846469L);
    assertThat(tally.coinbaseValue).isEqualTo(2521732470L);
  }

  @Test
  void parserIsReusableAcrossBlocks() throws Exception {
    BlockParser parser = new BlockParser();
    for (int round = 0; round < 2; round++) {
      for (int height : new int[] {709632, 370661}) {
        Tally tally = new Tally();
        parser.parse(TestBlocks.block(height), tally);
        assertThat(tally.txids).containsExactlyElementsOf(TestBlocks.txids(height));
      }
    }
  }

  @Test
  void inputsExposeOutpoints() throws Exception {
    byte[] block = TestBlocks.block(709632);
    List<String> spent = new ArrayList<>();
    new BlockParser().parse(block, tx -> {
      if (tx.index() == 1) {
        for (int i = 0; i < tx.inputCount(); i++) {
          spent.add(Hashes.toDisplayHex(tx.buffer(), tx.inputPrevTxidOffset(i)) + ":" + tx.inputVout(i));
          assertThat(tx.inputSequence(i)).isBetween(0L, 0xffffffffL);
        }
      }
    });
    assertThat(spent).isNotEmpty();
    assertThat(spent).allSatisfy(s -> assertThat(s).matches("[0-9a-f]{64}:\\d+"));
  }

  @Test
  void singleTransactionParsesOnItsOwn() throws Exception {
    byte[] block = TestBlocks.block(709632);
    // Find the bounds of tx 1 with the block parser, then parse it standalone from a copy.
    int[] bounds = new int[2];
    new BlockParser().parse(block, tx -> {
      if (tx.index() == 1) {
        bounds[0] = tx.offset();
        bounds[1] = tx.length();
      }
    });
    byte[] raw = java.util.Arrays.copyOfRange(block, bounds[0], bounds[0] + bounds[1]);
    RawTx tx = new RawTx();
    assertThat(tx.parse(raw, 0, raw.length)).isEqualTo(raw.length);
    assertThat(tx.txidHex()).isEqualTo("777c998695de4b7ecec54c058c73b2cab71184cf1655840935cd9388923dc288");
    assertThat(tx.hasWitness()).isTrue();
    assertThat(tx.strippedLength()).isLessThan(tx.length());
  }

  private static void assertMerkleRootMatches(BlockParser parser, BlockHeader header) {
    byte[] root = new byte[32];
    parser.computeMerkleRoot(root, 0);
    assertThat(header.merkleRootEquals(root, 0)).isTrue();
  }
}
