package me.flashapp.gateway.bench;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import me.flashapp.gateway.card.BoltCardKeys;
import me.flashapp.gateway.card.PiccData;
import me.flashapp.gateway.card.SunDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Bolt Card tap's SUN check among 100,000 issued cards: decrypt {@code p} with the issuer's K1,
 * find the card by UID (an in-memory map, what a card cache would hold), verify {@code c} with
 * the card's K2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SunVerifyBenchmark {
  private static final int CARDS = 100_000;
  private static final byte[] ISSUER_KEY = HexFormat.of().parseHex("00000000000000000000000000000001");

  private final Map<String, byte[]> k2ByUid = new HashMap<>(CARDS * 2);
  private final String[] taps = new String[1024];
  private final String[] macs = new String[1024];
  private SunDecoder decoder;
  private int next;

  @Setup
  public void setup() throws Exception {
    byte[] k1 = BoltCardKeys.k1(ISSUER_KEY);
    decoder = new SunDecoder(k1);
    Random random = new Random(42);
    byte[][] uids = new byte[CARDS][];
    for (int i = 0; i < CARDS; i++) {
      byte[] uid = new byte[7];
      random.nextBytes(uid);
      uid[0] = 0x04;
      uids[i] = uid;
      k2ByUid.put(HexFormat.of().formatHex(uid), BoltCardKeys.derive(ISSUER_KEY, uid, 1).k2());
    }
    // Taps as cards would produce them: PICC data encrypted under K1, MAC under the card's K2.
    Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k1, "AES"), new IvParameterSpec(new byte[16]));
    for (int i = 0; i < taps.length; i++) {
      byte[] uid = uids[random.nextInt(CARDS)];
      int counter = 1 + random.nextInt(1000);
      byte[] plain = new byte[16];
      plain[0] = (byte) 0xC7;
      System.arraycopy(uid, 0, plain, 1, 7);
      plain[8] = (byte) counter;
      plain[9] = (byte) (counter >>> 8);
      plain[10] = (byte) (counter >>> 16);
      taps[i] = HexFormat.of().formatHex(aes.doFinal(plain));
      macs[i] = HexFormat.of().formatHex(decoder.mac(new PiccData(uid, counter),
          k2ByUid.get(HexFormat.of().formatHex(uid))));
    }
  }

  @Benchmark
  public int verifyTap() {
    int i = next++ & (taps.length - 1);
    PiccData picc = decoder.decrypt(taps[i]);
    byte[] k2 = k2ByUid.get(picc.uidHex());
    decoder.verify(picc, k2, macs[i]);
    return picc.counter();
  }
}
