package me.flashapp.gateway.lightning;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import me.flashapp.gateway.bitcoin.Bech32;

/**
 * The tagged fields of BOLT #11 ("Tagged Fields"): their 5-bit type codes, and the parsing of
 * each field's 5-bit data into typed values. Fields of known type but unexpected length, and
 * fields of unknown type, are skipped as the reader requirements say.
 */
final class Bolt11Fields {
  static final int P_PAYMENT_HASH = 1;
  static final int R_ROUTE = 3;
  static final int FEATURES_9 = 5;
  static final int X_EXPIRY = 6;
  static final int F_FALLBACK = 9;
  static final int D_DESCRIPTION = 13;
  static final int S_SECRET = 16;
  static final int N_PAYEE = 19;
  static final int H_DESCRIPTION_HASH = 23;
  static final int C_MIN_FINAL_CLTV = 24;

  /** Largest integer field: 12 words (60 bits), so sums with the 35-bit timestamp cannot overflow. */
  static final int MAX_INT_WORDS = 12;
  /** Bytes per hop in an {@code r} field: pubkey 33, scid 8, fee base 4, fee ppm 4, cltv delta 2. */
  static final int HOP_LENGTH = 51;

  byte[] paymentHash;
  byte[] paymentSecret;
  String description;
  byte[] descriptionHash;
  byte[] payeeNodeKey;
  long expirySeconds = Bolt11Invoice.DEFAULT_EXPIRY_SECONDS;
  int minFinalCltvExpiryDelta = Bolt11Invoice.DEFAULT_MIN_FINAL_CLTV_EXPIRY_DELTA;
  BitSet features = new BitSet();
  final List<Bolt11Invoice.Fallback> fallbacks = new ArrayList<>();
  final List<List<Bolt11Invoice.RouteHop>> routeHints = new ArrayList<>();
  private final Set<Integer> seen = new HashSet<>();

  /**
   * Applies one field. Of p, s, d, h, n, x, c and 9 the first valid one wins: a writer puts the
   * most-preferred of repeated fields first (BOLT #11 "Tagged Fields" writer requirements).
   */
  void apply(int type, byte[] words, int offset, int length) {
    switch (type) {
      case P_PAYMENT_HASH -> {
        if (length == 52 && paymentHash == null) {
          paymentHash = bytes(words, offset, length);
        }
      }
      case S_SECRET -> {
        if (length == 52 && paymentSecret == null) {
          paymentSecret = bytes(words, offset, length);
        }
      }
      case H_DESCRIPTION_HASH -> {
        if (length == 52 && descriptionHash == null) {
          descriptionHash = bytes(words, offset, length);
        }
      }
      case N_PAYEE -> {
        if (length == 53 && payeeNodeKey == null) {
          payeeNodeKey = bytes(words, offset, length);
        }
      }
      case D_DESCRIPTION -> {
        if (description == null) {
          description = utf8(bytes(words, offset, length));
        }
      }
      case X_EXPIRY -> {
        if (seen.add(X_EXPIRY)) {
          expirySeconds = uint(words, offset, length, "x (expiry)");
        }
      }
      case C_MIN_FINAL_CLTV -> {
        if (seen.add(C_MIN_FINAL_CLTV)) {
          long c = uint(words, offset, length, "c (min_final_cltv_expiry_delta)");
          if (c > Integer.MAX_VALUE) {
            throw new Bolt11Exception("c (min_final_cltv_expiry_delta) too large");
          }
          minFinalCltvExpiryDelta = (int) c;
        }
      }
      case FEATURES_9 -> {
        if (seen.add(FEATURES_9)) {
          features = featureBits(words, offset, length);
        }
      }
      case F_FALLBACK -> fallback(words, offset, length);
      case R_ROUTE -> route(words, offset, length);
      default -> {
        // unknown field: skipped (BOLT #11 reader requirements)
      }
    }
  }

  private void fallback(byte[] words, int offset, int length) {
    if (length < 1) {
      return;
    }
    int version = words[offset];
    byte[] program;
    try {
      program = Bech32.convertBits(words, offset + 1, length - 1, 5, 8, false);
    } catch (IllegalArgumentException e) {
      return; // malformed padding: treat as an unknown fallback format
    }
    boolean known = version <= 16 ? program.length >= 2 && program.length <= 40 : (version == 17 || version == 18) && program.length == 20;
    if (known) { // versions 19..31 "will be ignored by readers"
      fallbacks.add(new Bolt11Invoice.Fallback(version, program));
    }
  }

  private void route(byte[] words, int offset, int length) {
    byte[] data;
    try {
      data = Bech32.convertBits(words, offset, length, 5, 8, false);
    } catch (IllegalArgumentException e) {
      return;
    }
    int hops = data.length / HOP_LENGTH;
    if (hops == 0 || data.length % HOP_LENGTH != 0) {
      return; // not a list of hops: skipped like any field of unexpected length
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    List<Bolt11Invoice.RouteHop> route = new ArrayList<>(hops);
    for (int i = 0; i < hops; i++) {
      byte[] nodeId = new byte[33];
      buf.get(nodeId);
      long scid = buf.getLong();
      long feeBase = Integer.toUnsignedLong(buf.getInt());
      long feePpm = Integer.toUnsignedLong(buf.getInt());
      int cltv = Short.toUnsignedInt(buf.getShort());
      route.add(new Bolt11Invoice.RouteHop(nodeId, scid, feeBase, feePpm, cltv));
    }
    routeHints.add(route);
  }

  /** Field data to bytes, dropping the final partial byte of zero padding (5-bit words rarely fill whole bytes). */
  static byte[] bytes(byte[] words, int offset, int length) {
    try {
      return Bech32.convertBits(words, offset, length, 5, 8, false);
    } catch (IllegalArgumentException e) {
      throw new Bolt11Exception("tagged field has non-zero padding");
    }
  }

  /** A big-endian unsigned integer of 5-bit words. */
  static long uint(byte[] words, int offset, int length, String name) {
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      if ((value >>> (5 * MAX_INT_WORDS - 5)) != 0) {
        throw new Bolt11Exception(name + " too large");
      }
      value = value << 5 | words[i];
    }
    return value;
  }

  /** The shortest 5-bit big-endian form of a non-negative integer ("SHOULD use the minimum data_length"). */
  static byte[] uintWords(long value) {
    int n = 0;
    for (long v = value; v != 0; v >>>= 5) {
      n++;
    }
    byte[] words = new byte[n];
    for (int i = n - 1; i >= 0; i--) {
      words[i] = (byte) (value & 31);
      value >>>= 5;
    }
    return words;
  }

  /** Feature words are big-endian: bit 0 is the lowest bit of the last word (BOLT #11 "Feature Bits"). */
  static BitSet featureBits(byte[] words, int offset, int length) {
    BitSet bits = new BitSet();
    for (int i = 0; i < length; i++) {
      int word = words[offset + length - 1 - i];
      for (int b = 0; b < 5; b++) {
        if ((word >>> b & 1) != 0) {
          bits.set(i * 5 + b);
        }
      }
    }
    return bits;
  }

  static byte[] featureWords(BitSet bits) {
    int n = (bits.length() + 4) / 5;
    byte[] words = new byte[n];
    for (int bit = bits.nextSetBit(0); bit >= 0; bit = bits.nextSetBit(bit + 1)) {
      words[n - 1 - bit / 5] |= (byte) (1 << (bit % 5));
    }
    return words;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Bolt11Exception("d (description) is not valid UTF-8");
    }
  }
}
