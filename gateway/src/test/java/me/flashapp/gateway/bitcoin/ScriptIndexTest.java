package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScriptIndexTest {

  /** A deterministic realistic script for {@code i}: a mix of the four address types. */
  static byte[] script(long i) {
    byte[] hash = Hashes.sha256(ByteBuffer.allocate(8).putLong(i).array());
    return switch ((int) (i % 4)) {
      case 0 -> Scripts.p2wpkh(Arrays.copyOf(hash, 20));
      case 1 -> Scripts.p2tr(hash);
      case 2 -> Scripts.p2sh(Arrays.copyOf(hash, 20));
      default -> Scripts.p2pkh(Arrays.copyOf(hash, 20));
    };
  }

  @Test
  void putGetRemoveBasics() {
    ScriptIndex index = new ScriptIndex();
    byte[] a = script(1);
    byte[] b = script(2);
    assertThat(index.get(a)).isEqualTo(-1);
    assertThat(index.put(a, 10)).isEqualTo(-1);
    assertThat(index.put(b, 20)).isEqualTo(-1);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.get(a)).isEqualTo(10);
    assertThat(index.put(a, 11)).isEqualTo(10);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.get(a)).isEqualTo(11);

    // Lookup by range inside a larger array, as the parser hands scripts over.
    byte[] wrapped = new byte[b.length + 7];
    System.arraycopy(b, 0, wrapped, 5, b.length);
    assertThat(index.get(wrapped, 5, b.length)).isEqualTo(20);
    assertThat(index.get(wrapped, 4, b.length)).isEqualTo(-1);
    assertThat(index.get(b, 0, b.length - 1)).isEqualTo(-1);

    assertThat(index.remove(a)).isEqualTo(11);
    assertThat(index.remove(a)).isEqualTo(-1);
    assertThat(index.get(a)).isEqualTo(-1);
    assertThat(index.get(b)).isEqualTo(20);
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void edgeCases() {
    ScriptIndex index = new ScriptIndex();
    byte[] empty = new byte[0];
    byte[] longScript = new byte[3000];
    new Random(1).nextBytes(longScript);
    index.put(empty, 0);
    index.put(longScript, Long.MAX_VALUE);
    assertThat(index.get(empty)).isZero();
    assertThat(index.get(longScript)).isEqualTo(Long.MAX_VALUE);
    assertThat(index.get(new byte[ScriptIndex.MAX_SCRIPT_LENGTH + 1])).isEqualTo(-1);
    assertThatThrownBy(() -> index.put(script(1), -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> index.put(new byte[ScriptIndex.MAX_SCRIPT_LENGTH + 1], 1))
        .isInstanceOf(IllegalArgumentException.class);
    index.clear();
    assertThat(index.size()).isZero();
    assertThat(index.get(empty)).isEqualTo(-1);
  }

  @Test
  void growsFromTinyAndFindsEverything() {
    ScriptIndex index = new ScriptIndex(0);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      index.put(script(i), i);
    }
    assertThat(index.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(index.get(script(i))).isEqualTo(i);
    }
    for (int i = n; i < n + 10_000; i++) {
      assertThat(index.get(script(i))).isEqualTo(-1);
    }
  }

  @Test
  void randomOperationsAgreeWithHashMap() {
    // A small key space forces overwrites, removals inside probe clusters and compaction.
    Random random = new Random(2024);
    ScriptIndex index = new ScriptIndex();
    Map<String, Long> model = new HashMap<>();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      byte[] k = new byte[1 + random.nextInt(40)];
      random.nextBytes(k);
      keys.add(k);
    }
    for (int op = 0; op < 400_000; op++) {
      byte[] k = keys.get(random.nextInt(keys.size()));
      String key = Arrays.toString(k);
      int r = random.nextInt(10);
      if (r < 5) {
        long id = random.nextInt(1_000_000);
        Long prev = model.put(key, id);
        assertThat(index.put(k, id)).isEqualTo(prev == null ? -1 : prev);
      } else if (r < 8) {
        Long prev = model.remove(key);
        assertThat(index.remove(k)).isEqualTo(prev == null ? -1 : prev);
      } else {
        Long v = model.get(key);
        assertThat(index.get(k)).isEqualTo(v == null ? -1 : v);
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    for (byte[] k : keys) {
      Long v = model.get(Arrays.toString(k));
      assertThat(index.get(k)).isEqualTo(v == null ? -1 : v);
    }
  }

  @Test
  void removingMostEntriesCompactsTheArena() {
    ScriptIndex index = new ScriptIndex();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      index.put(script(i), i);
    }
    long before = index.memoryFootprintBytes();
    for (int i = 0; i < n; i++) {
      if (i % 10 != 0) {
        assertThat(index.remove(script(i))).isEqualTo(i);
      }
    }
    assertThat(index.size()).isEqualTo(n / 10);
    for (int i = 0; i < n; i++) {
      assertThat(index.get(script(i))).isEqualTo(i % 10 == 0 ? i : -1);
    }
    assertThat(index.memoryFootprintBytes()).isLessThan(before);
  }

  @Test
  void millionEntriesFitUnder64BytesEach() {
    int n = 1_000_000;
    ScriptIndex mixed = new ScriptIndex();
    for (int i = 0; i < n; i++) {
      mixed.put(script(i), i);
    }
    double perEntry = (double) mixed.memoryFootprintBytes() / n;
    assertThat(perEntry).as("bytes per entry, mixed scripts").isLessThan(64);
    for (int i = 0; i < n; i += 997) {
      assertThat(mixed.get(script(i))).isEqualTo(i);
    }

    // Worst common case: every script is 34 bytes (P2TR / P2WSH).
    ScriptIndex taproot = new ScriptIndex();
    for (int i = 0; i < n; i++) {
      taproot.put(script(4L * i + 1), i);
    }
    assertThat((double) taproot.memoryFootprintBytes() / n).as("bytes per entry, P2TR").isLessThan(64);
  }
}
