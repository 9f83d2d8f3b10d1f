package me.flashapp.gateway.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.bitcoin.BitcoinParseException;
import me.flashapp.gateway.bitcoin.BlockParser;
import me.flashapp.gateway.bitcoin.RawTx;
import me.flashapp.gateway.bitcoin.ScriptIndex;
import me.flashapp.gateway.bitcoin.TxVisitor;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The chain listener's hot path on a real block: parse every transaction, compute every txid and
 * look every output's scriptPubKey up in a 1,000,000-entry {@link ScriptIndex}; side by side with
 * bitcoinj 0.17 doing the same (Block.read, getTxId, getScriptBytes) against the same index.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BlockParse -f 1 -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class BlockParseBenchmark {
  /** Watched scripts: 1,000,000, of which a few hundred are paid in the block. */
  private static final int WATCHED = 1_000_000;

  @Param({"709632", "370661"})
  public int height;

  private byte[] block;
  private ScriptIndex index;
  private BlockParser parser;
  private Matcher matcher;

  /** Counts matches and folds txids into a checksum so the JIT cannot drop any work. */
  private static final class Matcher implements TxVisitor {
    private final ScriptIndex index;
    long matches;
    long sink;

    Matcher(ScriptIndex index) {
      this.index = index;
    }

    @Override
    public void transaction(RawTx tx) {
      byte[] buf = tx.buffer();
      for (int i = 0; i < tx.outputCount(); i++) {
        long id = index.get(buf, tx.outputScriptOffset(i), tx.outputScriptLength(i));
        if (id >= 0) {
          matches++;
          sink += id + tx.outputValue(i);
        }
      }
      sink += tx.txidEquals(buf, tx.offset()) ? 1 : 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws BitcoinParseException {
    block = BlockFiles.read(height);
    parser = new BlockParser();
    index = new ScriptIndex();
    // Watch every 8th output script of the block (real matches), fill the rest with random
    // scripts of realistic shapes.
    int[] counter = {0};
    parser.parse(block, tx -> {
      for (int i = 0; i < tx.outputCount(); i++) {
        if (counter[0]++ % 8 == 0) {
          index.put(tx.outputScript(i), counter[0]);
        }
      }
    });
    Random random = new Random(1);
    long id = 10_000_000;
    while (index.size() < WATCHED) {
      byte[] script = randomScript(random);
      index.put(script, id++);
    }
    matcher = new Matcher(index);
    System.out.printf("%nblock %d: %d bytes, %d txs, index %d entries, %.1f bytes/entry%n", height, block.length,
        parser.txCount(), index.size(), (double) index.memoryFootprintBytes() / index.size());
  }

  private static byte[] randomScript(Random r) {
    int kind = r.nextInt(4);
    byte[] s;
    switch (kind) {
      case 0 -> {
        s = new byte[22];
        s[1] = 0x14;
        fill(r, s, 2, 20);
      }
      case 1 -> {
        s = new byte[34];
        s[0] = 0x51;
        s[1] = 0x20;
        fill(r, s, 2, 32);
      }
      case 2 -> {
        s = new byte[23];
        s[0] = (byte) 0xa9;
        s[1] = 0x14;
        fill(r, s, 2, 20);
        s[22] = (byte) 0x87;
      }
      default -> {
        s = new byte[25];
        s[0] = 0x76;
        s[1] = (byte) 0xa9;
        s[2] = 0x14;
        fill(r, s, 3, 20);
        s[23] = (byte) 0x88;
        s[24] = (byte) 0xac;
      }
    }
    return s;
  }

  private static void fill(Random r, byte[] s, int off, int len) {
    for (int i = 0; i < len; i++) {
      s[off + i] = (byte) r.nextInt(256);
    }
  }

  /** Ours: zero-copy parse, txids, every output looked up. */
  @Benchmark
  public long flashParser() throws BitcoinParseException {
    matcher.matches = 0;
    parser.parse(block, matcher);
    return matcher.matches + matcher.sink;
  }

  /** bitcoinj 0.17: Block.read, getTxId per transaction, getScriptBytes per output. */
  @Benchmark
  public long bitcoinj() {
    Block b = Block.read(ByteBuffer.wrap(block));
    long matches = 0;
    long sink = 0;
    for (Transaction tx : b.getTransactions()) {
      sink += tx.getTxId().getBytes()[0];
      for (TransactionOutput out : tx.getOutputs()) {
        long id = index.get(out.getScriptBytes());
        if (id >= 0) {
          matches++;
          sink += id + out.getValue().value;
        }
      }
    }
    return matches + sink;
  }
}
