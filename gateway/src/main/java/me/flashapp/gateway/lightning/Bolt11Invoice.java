package me.flashapp.gateway.lightning;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A decoded, signature-checked BOLT11 invoice. Immutable: byte arrays are copied in and out.
 * Obtained from {@link Bolt11#decode}; fields the invoice omits carry the BOLT #11 defaults
 * (expiry 3600 s, min_final_cltv_expiry_delta 18).
 */
public final class Bolt11Invoice {
  /** Default of the {@code x} field, BOLT #11 "Tagged Fields". */
  public static final long DEFAULT_EXPIRY_SECONDS = 3600;
  /** Default of the {@code c} field, BOLT #11 "Tagged Fields". */
  public static final int DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA = 18;
  /**
   * Feature bits (BOLT #9, context "9") this code knows, even and odd: var_onion_optin 8/9,
   * payment_secret 14/15, basic_mpp 16/17, option_payment_metadata 48/49.
   */
  public static final Set<Integer> KNOWN_FEATURE_BITS = Set.of(8, 9, 14, 15, 16, 17, 48, 49);

  /** An on-chain fallback ({@code f} field): witness version 0..16, or 17 (P2PKH) / 18 (P2SH) with a 20-byte hash. */
  public record Fallback(int version, byte[] program) {
    public Fallback {
      program = program.clone();
    }

    @Override
    public byte[] program() {
      return program.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fallback f && version == f.version && Arrays.equals(program, f.program);
    }

    @Override
    public int hashCode() {
      return 31 * version + Arrays.hashCode(program);
    }

    @Override
    public String toString() {
      return "Fallback[v" + version + ", " + HexFormat.of().formatHex(program) + "]";
    }
  }

  /** One hop of a private route hint ({@code r} field); fee and CLTV fields as in BOLT #7 channel_update. */
  public record RouteHop(byte[] nodeId, long shortChannelId, long feeBaseMsat, long feeProportionalMillionths,
      int cltvExpiryDelta) {
    public RouteHop {
      nodeId = nodeId.clone();
    }

    @Override
    public byte[] nodeId() {
      return nodeId.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RouteHop h && Arrays.equals(nodeId, h.nodeId) && shortChannelId == h.shortChannelId
          && feeBaseMsat == h.feeBaseMsat && feeProportionalMillionths == h.feeProportionalMillionths
          && cltvExpiryDelta == h.cltvExpiryDelta;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(nodeId) * 31 + Long.hashCode(shortChannelId);
    }

    /** The short channel id as {@code block x tx x output}. */
    public String shortChannelIdString() {
      return (shortChannelId >>> 40) + "x" + ((shortChannelId >>> 16) & 0xFFFFFF) + "x" + (shortChannelId & 0xFFFF);
    }

    @Override
    public String toString() {
      return "RouteHop[" + HexFormat.of().formatHex(nodeId) + " " + shortChannelIdString() + " base="
          + feeBaseMsat + " ppm=" + feeProportionalMillionths + " cltv=" + cltvExpiryDelta + "]";
    }
  }

  private final String paymentRequest;
  private final Bolt11Network network;
  private final long amountMsat; // -1: none
  private final long timestamp;
  private final byte[] paymentHash;
  private final byte[] paymentSecret;
  private final String description;
  private final byte[] descriptionHash;
  private final long expirySeconds;
  private final int minFinalCltvExpiryDelta;
  private final BitSet features;
  private final byte[] payeeNodeKey;
  private final List<Fallback> fallbacks;
  private final List<List<RouteHop>> routeHints;

  Bolt11Invoice(String paymentRequest, Bolt11Network network, long amountMsat, long timestamp, Bolt11Fields f,
      byte[] payeeNodeKey) {
    this.paymentRequest = paymentRequest;
    this.network = network;
    this.amountMsat = amountMsat;
    this.timestamp = timestamp;
    this.paymentHash = f.paymentHash;
    this.paymentSecret = f.paymentSecret;
    this.description = f.description;
    this.descriptionHash = f.descriptionHash;
    this.expirySeconds = f.expirySeconds;
    this.minFinalCltvExpiryDelta = f.minFinalCltvExpiryDelta;
    this.features = (BitSet) f.features.clone();
    this.payeeNodeKey = payeeNodeKey.clone();
    this.fallbacks = List.copyOf(f.fallbacks);
    this.routeHints = f.routeHints.stream().map(List::copyOf).toList();
  }

  /** The invoice string as it was decoded, without any {@code lightning:} prefix. */
  public String paymentRequest() {
    return paymentRequest;
  }

  public Bolt11Network network() {
    return network;
  }

  /** The amount in millisatoshis, or empty for an "any amount" invoice. */
  public OptionalLong amountMsat() {
    return amountMsat < 0 ? OptionalLong.empty() : OptionalLong.of(amountMsat);
  }

  /** Creation time, seconds since the epoch. */
  public long timestamp() {
    return timestamp;
  }

  /** The 32-byte SHA256 payment hash. */
  public byte[] paymentHash() {
    return paymentHash.clone();
  }

  public String paymentHashHex() {
    return HexFormat.of().formatHex(paymentHash);
  }

  /** The 32-byte payment secret ({@code s}), if present. */
  public Optional<byte[]> paymentSecret() {
    return Optional.ofNullable(paymentSecret).map(byte[]::clone);
  }

  /** The description ({@code d}), if present. */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /** The SHA256 of the description ({@code h}), if present. */
  public Optional<byte[]> descriptionHash() {
    return Optional.ofNullable(descriptionHash).map(byte[]::clone);
  }

  public long expirySeconds() {
    return expirySeconds;
  }

  public int minFinalCltvExpiryDelta() {
    return minFinalCltvExpiryDelta;
  }

  /** Feature bits of the {@code 9} field (bit 0 = least significant). */
  public BitSet features() {
    return (BitSet) features.clone();
  }

  /**
   * Set even ("required") feature bits outside {@link #KNOWN_FEATURE_BITS}: a payer MUST NOT pay
   * such an invoice (BOLT #11 "Tagged Fields", reader requirements). Empty when payable.
   */
  public List<Integer> unknownRequiredFeatures() {
    return features.stream().filter(bit -> bit % 2 == 0 && !KNOWN_FEATURE_BITS.contains(bit)).boxed().toList();
  }

  /** The 33-byte compressed public key of the payee node: the {@code n} field, or recovered from the signature. */
  public byte[] payeeNodeKey() {
    return payeeNodeKey.clone();
  }

  public String payeeNodeKeyHex() {
    return HexFormat.of().formatHex(payeeNodeKey);
  }

  public List<Fallback> fallbacks() {
    return fallbacks;
  }

  /** Private route hints, one list of hops per {@code r} field. */
  public List<List<RouteHop>> routeHints() {
    return routeHints;
  }

  /** When a payer should stop paying it: timestamp + expiry. */
  public Instant expiresAt() {
    // timestamp < 2^35 and expiry < 2^60 (checked on decode): the sum cannot overflow a long,
    // but may pass Instant.MAX, which then stands for "never".
    long end = timestamp + expirySeconds;
    return end >= Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(end);
  }

  /** True from {@link #expiresAt()} on (BOLT #11 "Payer / Payee Requirements"). */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt());
  }

  @Override
  public String toString() {
    return "Bolt11Invoice[" + network + ", amountMsat=" + (amountMsat < 0 ? "any" : amountMsat) + ", hash="
        + paymentHashHex() + ", payee=" + payeeNodeKeyHex() + "]";
  }
}
