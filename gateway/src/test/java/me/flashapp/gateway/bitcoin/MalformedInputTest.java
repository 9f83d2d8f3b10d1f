package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad bytes must end in a {@link BitcoinParseException}: never a loop, an OOM or a wrong answer. */
class MalformedInputTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final TxVisitor IGNORE = tx -> { };

  // A minimal legacy transaction: 1 input spending 00..00:0, 1 output of 1000 sats to OP_TRUE.
  private static byte[] legacyTx() {
    return new TxBuilder().version(1)
        .addInput(new byte[32], 0, new byte[] {0x51}, TxBuilder.SEQUENCE_FINAL, java.util.List.of())
        .addOutput(1000, new byte[] {0x51})
        .build();
  }

  @Test
  void everyTruncationOfARealBlockIsRejected() {
    byte[] block = TestBlocks.block(370661);
    BlockParser parser = new BlockParser();
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      int cut = random.nextInt(block.length);
      assertThatThrownBy(() -> parser.parse(block, 0, cut, IGNORE))
          .isInstanceOf(BitcoinParseException.class);
    }
  }

  @Test
  void everyTruncationOfATransactionIsRejected() {
    byte[] tx = new TxBuilder().spendSegwit("11".repeat(32), 3).addOutput(5000, Scripts.p2wpkh(new byte[20])).build();
    RawTx view = new RawTx();
    for (int cut = 0; cut < tx.length; cut++) {
      int c = cut;
      assertThatThrownBy(() -> view.parse(tx, 0, c))
          .as("cut at %d", cut)
          .isInstanceOf(BitcoinParseException.class)
          .hasMessageContaining("at offset");
    }
  }

  @Test
  void trailingBytesAfterBlockAreRejected() {
    byte[] block = TestBlocks.block(370661);
    byte[] longer = Arrays.copyOf(block, block.length + 1);
    assertThatThrownBy(() -> new BlockParser().parse(longer, IGNORE))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("trailing");
  }

  @Test
  void absurdCompactSizesAreRejectedBeforeAllocating() {
    byte[] tx = legacyTx();
    // Input count (offset 4) replaced by 0xff + 2^62: must not size an array from it.
    byte[] huge = new byte[tx.length + 8];
    System.arraycopy(tx, 0, huge, 0, 4);
    huge[4] = (byte) 0xff;
    huge[4 + 8] = 0x40;
    System.arraycopy(tx, 5, huge, 13, tx.length - 5);
    assertThatThrownBy(() -> new RawTx().parse(huge, 0, huge.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("input count");

    // 0xffffffff outputs declared in a tiny transaction.
    byte[] manyOutputs = HEX.parseHex("01000000" + "01" + "00".repeat(32) + "00000000" + "00" + "ffffffff"
        + "feffffffff" + "00000000");
    assertThatThrownBy(() -> new RawTx().parse(manyOutputs, 0, manyOutputs.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("output count");

    // A block claiming 2^32-1 transactions.
    byte[] block = new byte[80 + 5 + 100];
    block[80] = (byte) 0xfe;
    Arrays.fill(block, 81, 85, (byte) 0xff);
    assertThatThrownBy(() -> new BlockParser().parse(block, IGNORE))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("transaction count");
  }

  @Test
  void nonCanonicalCompactSizeIsRejected() {
    byte[] tx = legacyTx();
    // Output count 1 written as fd 01 00.
    int at = 4 + 1 + 32 + 4 + 1 + 1 + 4;
    assertThat(tx[at]).isEqualTo((byte) 1);
    byte[] bad = new byte[tx.length + 2];
    System.arraycopy(tx, 0, bad, 0, at);
    bad[at] = (byte) 0xfd;
    bad[at + 1] = 1;
    bad[at + 2] = 0;
    System.arraycopy(tx, at + 1, bad, at + 3, tx.length - at - 1);
    assertThatThrownBy(() -> new RawTx().parse(bad, 0, bad.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("non-canonical");
  }

  @Test
  void nonCanonicalTransactionCountIsRejected() {
    byte[] tx = legacyTx();
    byte[] block = new byte[80 + 3 + tx.length];
    block[80] = (byte) 0xfd;
    block[81] = 1;
    System.arraycopy(tx, 0, block, 83, tx.length);
    assertThatThrownBy(() -> new BlockParser().parse(block, IGNORE))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("non-canonical");
    block[80] = 1;
    byte[] canonical = Arrays.copyOfRange(block, 0, 81);
    byte[] ok = Arrays.copyOf(canonical, 81 + tx.length);
    System.arraycopy(tx, 0, ok, 81, tx.length);
    assertThat(catchParse(ok)).isNull();
  }

  private static Exception catchParse(byte[] block) {
    try {
      new BlockParser().parse(block, IGNORE);
      return null;
    } catch (BitcoinParseException e) {
      return e;
    }
  }

  @Test
  void badSegwitFlagAndNoInputsAreRejected() {
    byte[] flag2 = HEX.parseHex("02000000" + "0002" + "01" + "00".repeat(36) + "00" + "ffffffff" + "00" + "00000000");
    assertThatThrownBy(() -> new RawTx().parse(flag2, 0, flag2.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("flag");
    byte[] noInputs = HEX.parseHex("02000000" + "0001" + "00" + "00" + "00000000");
    assertThatThrownBy(() -> new RawTx().parse(noInputs, 0, noInputs.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("no inputs");
  }

  @Test
  void outOfRangeAmountsAreRejected() {
    byte[] tx = legacyTx();
    int valueAt = 4 + 1 + 32 + 4 + 1 + 1 + 4 + 1;
    byte[] negative = tx.clone();
    Arrays.fill(negative, valueAt, valueAt + 8, (byte) 0xff);
    assertThatThrownBy(() -> new RawTx().parse(negative, 0, negative.length))
        .isInstanceOf(BitcoinParseException.class).hasMessageContaining("output value");
    byte[] tooMuch = tx.clone();
    LittleEndian.putInt64(tooMuch, valueAt, RawTx.MAX_MONEY + 1);
    assertThatThrownBy(() -> new RawTx().parse(tooMuch, 0, tooMuch.length))
        .isInstanceOf(BitcoinParseException.class);
  }

  @Test
  void randomGarbageNeverEscapesAsAnotherException() {
    Random random = new Random(7);
    BlockParser parser = new BlockParser();
    RawTx tx = new RawTx();
    for (int i = 0; i < 2000; i++) {
      byte[] garbage = new byte[random.nextInt(400)];
      random.nextBytes(garbage);
      try {
        parser.parse(garbage, IGNORE);
      } catch (BitcoinParseException expected) {
        // fine
      }
      try {
        tx.parse(garbage, 0, garbage.length);
      } catch (BitcoinParseException expected) {
        // fine
      }
    }
  }

  @Test
  void flippedBytesOfARealBlockEitherParseOrFailCleanly() {
    byte[] block = TestBlocks.block(370661);
    BlockParser parser = new BlockParser();
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      byte[] mutated = block.clone();
      int at = 80 + random.nextInt(block.length - 80);
      mutated[at] = (byte) random.nextInt(256);
      try {
        parser.parse(mutated, IGNORE);
      } catch (BitcoinParseException expected) {
        assertThat(expected.offset()).isBetween(0, block.length);
      }
    }
  }
}
