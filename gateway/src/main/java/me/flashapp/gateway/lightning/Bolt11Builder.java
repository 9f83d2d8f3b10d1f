package me.flashapp.gateway.lightning;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import me.flashapp.gateway.bitcoin.Bech32;
import org.bitcoinj.crypto.ECKey;

/**
 * Assembles an invoice to sign with {@link Bolt11#encode}. Tagged fields are written in the order
 * their setters are called (BOLT #11 lets a writer order fields freely; the spec's examples use
 * several orders), and only those set are written: a node that wants {@code c} or {@code x} on the
 * wire sets them. Not thread-safe; single use.
 */
public final class Bolt11Builder {
  /** Longest description that fits the 10-bit data_length: 1023 words = 639 bytes. */
  public static final int MAX_DESCRIPTION_BYTES = 639;

  record Field(int type, byte[] words) {}

  final Bolt11Network network;
  long amountMsat = -1;
  long timestamp = -1;
  boolean hasPaymentHash;
  final List<Field> fields = new ArrayList<>();

  private Bolt11Builder(Bolt11Network network) {
    this.network = Objects.requireNonNull(network, "network");
  }

  /** Starts an invoice on {@code network}. */
  public static Bolt11Builder forNetwork(Bolt11Network network) {
    return new Bolt11Builder(network);
  }

  /** The amount in millisatoshis (positive); omit for an "any amount" invoice. */
  public Bolt11Builder amountMsat(long amountMsat) {
    if (amountMsat <= 0) {
      throw new Bolt11Exception("amount must be positive");
    }
    this.amountMsat = amountMsat;
    return this;
  }

  /** Creation time in seconds since the epoch (35 bits). */
  public Bolt11Builder timestamp(long epochSeconds) {
    if (epochSeconds < 0 || epochSeconds >= 1L << 35) {
      throw new Bolt11Exception("timestamp must fit 35 bits");
    }
    this.timestamp = epochSeconds;
    return this;
  }

  public Bolt11Builder paymentHash(byte[] paymentHash) {
    hasPaymentHash = true;
    return bytes32(Bolt11Fields.P_PAYMENT_HASH, paymentHash, "payment hash");
  }

  public Bolt11Builder paymentSecret(byte[] paymentSecret) {
    return bytes32(Bolt11Fields.S_SECRET, paymentSecret, "payment secret");
  }

  public Bolt11Builder description(String description) {
    byte[] utf8 = description.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_DESCRIPTION_BYTES) {
      throw new Bolt11Exception("description longer than " + MAX_DESCRIPTION_BYTES + " bytes: use a description hash");
    }
    return add(Bolt11Fields.D_DESCRIPTION, Bech32.toWords(utf8));
  }

  public Bolt11Builder descriptionHash(byte[] sha256) {
    return bytes32(Bolt11Fields.H_DESCRIPTION_HASH, sha256, "description hash");
  }

  public Bolt11Builder expirySeconds(long seconds) {
    return uint(Bolt11Fields.X_EXPIRY, seconds, "expiry");
  }

  public Bolt11Builder minFinalCltvExpiryDelta(int blocks) {
    return uint(Bolt11Fields.C_MIN_FINAL_CLTV, blocks, "min_final_cltv_expiry_delta");
  }

  /** Feature bits; nothing is written when none is set ("MUST omit the 9 field altogether"). */
  public Bolt11Builder features(int... bits) {
    BitSet set = new BitSet();
    for (int bit : bits) {
      set.set(bit);
    }
    return set.isEmpty() ? this : add(Bolt11Fields.FEATURES_9, Bolt11Fields.featureWords(set));
  }

  /** Writes the payee key explicitly ({@code n}); readers then verify instead of recovering. */
  public Bolt11Builder payeeNodeKey(byte[] compressedPubKey) {
    if (compressedPubKey.length != 33 || !ECKey.isPubKeyCanonical(compressedPubKey)) {
      throw new Bolt11Exception("payee node key must be a 33-byte compressed public key");
    }
    return add(Bolt11Fields.N_PAYEE, Bech32.toWords(compressedPubKey));
  }

  /** An on-chain fallback: witness version and program, or 17 (P2PKH) / 18 (P2SH) and a 20-byte hash. */
  public Bolt11Builder fallback(int version, byte[] program) {
    if (version < 0 || version > 18) {
      throw new Bolt11Exception("fallback version must be 0..18");
    }
    byte[] programWords = Bech32.toWords(program);
    byte[] words = new byte[programWords.length + 1];
    words[0] = (byte) version;
    System.arraycopy(programWords, 0, words, 1, programWords.length);
    return add(Bolt11Fields.F_FALLBACK, words);
  }

  /** One private route ({@code r} field) of one or more hops. */
  public Bolt11Builder routeHint(List<Bolt11Invoice.RouteHop> hops) {
    if (hops.isEmpty()) {
      throw new Bolt11Exception("a route hint needs at least one hop");
    }
    ByteBuffer buf = ByteBuffer.allocate(hops.size() * Bolt11Fields.HOP_LENGTH);
    for (Bolt11Invoice.RouteHop hop : hops) {
      byte[] nodeId = hop.nodeId();
      if (nodeId.length != 33) {
        throw new Bolt11Exception("route hop node id must be 33 bytes");
      }
      buf.put(nodeId).putLong(hop.shortChannelId())
          .putInt((int) checkU32(hop.feeBaseMsat()))
          .putInt((int) checkU32(hop.feeProportionalMillionths()))
          .putShort((short) checkRange(hop.cltvExpiryDelta(), 0xFFFF, "cltv_expiry_delta"));
    }
    return add(Bolt11Fields.R_ROUTE, Bech32.toWords(buf.array()));
  }

  /** Encodes and signs; same as {@link Bolt11#encode(Bolt11Builder, ECKey)}. */
  public String sign(ECKey nodeKey) {
    return Bolt11.encode(this, nodeKey);
  }

  private Bolt11Builder bytes32(int type, byte[] value, String name) {
    if (value.length != 32) {
      throw new Bolt11Exception(name + " must be 32 bytes");
    }
    return add(type, Bech32.toWords(value));
  }

  private Bolt11Builder uint(int type, long value, String name) {
    if (value < 0 || value >= 1L << (5 * Bolt11Fields.MAX_INT_WORDS)) {
      throw new Bolt11Exception(name + " out of range");
    }
    return add(type, Bolt11Fields.uintWords(value));
  }

  private Bolt11Builder add(int type, byte[] words) {
    if (words.length > 1023) {
      throw new Bolt11Exception("tagged field longer than 1023 words");
    }
    fields.add(new Field(type, words));
    return this;
  }

  private static long checkU32(long v) {
    return checkRange(v, 0xFFFFFFFFL, "fee");
  }

  private static long checkRange(long v, long max, String name) {
    if (v < 0 || v > max) {
      throw new Bolt11Exception("route hop " + name + " out of range");
    }
    return v;
  }
}
