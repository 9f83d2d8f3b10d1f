package me.flashapp.gateway.lightning;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import me.flashapp.gateway.bitcoin.Bech32;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ECKey;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * BOLT #11 invoice codec: {@link #decode} parses and checks the signature, {@link #encode} signs.
 *
 * <p>Layout (BOLT #11 "Encoding Overview", "Human-Readable Part", "Data Part"): bech32 with no
 * length limit; HRP = {@code ln} + currency prefix + optional amount (digits and a multiplier
 * m/u/n/p of a bitcoin); data = 35-bit timestamp, tagged fields (5-bit type, 10-bit length, data),
 * and a 520-bit signature: 64 bytes r||s and a recovery id, over
 * SHA256(HRP bytes || data words packed into bytes, zero-padded).
 *
 * <p>secp256k1 comes from bitcoinj's {@link ECKey}: its signatures are RFC 6979 deterministic and
 * low-S, so encoding with the spec's key reproduces the spec's examples byte for byte.
 * Stateless and thread-safe.
 */
public final class Bolt11 {
  private static final int TIMESTAMP_WORDS = 7;
  private static final int SIGNATURE_WORDS = 104; // 520 bits
  private static final long MSAT_PER_BTC = 100_000_000_000L;
  private static final BigInteger CURVE_N = ECKey.ecDomainParameters().getN();
  private static final BigInteger HALF_N = CURVE_N.shiftRight(1);
  private static final FixedPointCombMultiplier BASE_MULTIPLIER = new FixedPointCombMultiplier();

  private Bolt11() {}

  /**
   * Decodes an invoice (either case, with or without a {@code lightning:} prefix) and checks its
   * signature: against the {@code n} field when present, else by recovering the payee key.
   *
   * @throws Bolt11Exception for a bad checksum, unknown currency, bad amount or overflow,
   *     truncated data, missing payment hash, or an invalid signature
   */
  public static Bolt11Invoice decode(String invoice) {
    Objects.requireNonNull(invoice, "invoice");
    String s = invoice.regionMatches(true, 0, "lightning:", 0, 10) ? invoice.substring(10) : invoice;
    Bech32.Decoded bech;
    try {
      bech = Bech32.decode(s);
    } catch (Bech32.Bech32Exception e) {
      throw new Bolt11Exception("not a valid bech32 invoice: " + e.getMessage(), e);
    }
    if (bech.encoding() != Bech32.Encoding.BECH32) {
      throw new Bolt11Exception("invoice uses a bech32m checksum; BOLT11 requires bech32");
    }
    String hrp = bech.hrp();
    if (!hrp.startsWith("ln")) {
      throw new Bolt11Exception("human-readable part must start with 'ln'");
    }
    Bolt11Network network = Bolt11Network.matchPrefix(hrp.substring(2));
    if (network == null) {
      throw new Bolt11Exception("unknown currency prefix in '" + hrp + "'");
    }
    long amountMsat = parseAmount(hrp.substring(2 + network.prefix().length()));

    byte[] words = bech.data();
    if (words.length < TIMESTAMP_WORDS + SIGNATURE_WORDS) {
      throw new Bolt11Exception("invoice too short for timestamp and signature");
    }
    int sigStart = words.length - SIGNATURE_WORDS;
    long timestamp = Bolt11Fields.uint(words, 0, TIMESTAMP_WORDS, "timestamp");
    Bolt11Fields fields = new Bolt11Fields();
    int pos = TIMESTAMP_WORDS;
    while (pos < sigStart) {
      if (pos + 3 > sigStart) {
        throw new Bolt11Exception("truncated tagged field header");
      }
      int type = words[pos];
      int length = words[pos + 1] << 5 | words[pos + 2];
      pos += 3;
      if (pos + length > sigStart) {
        throw new Bolt11Exception("tagged field runs into the signature");
      }
      fields.apply(type, words, pos, length);
      pos += length;
    }
    if (fields.paymentHash == null) {
      throw new Bolt11Exception("missing payment hash (p field)");
    }

    byte[] sig = Bech32.convertBits(words, sigStart, SIGNATURE_WORDS, 5, 8, false);
    byte[] hash = signingHash(hrp, words, sigStart);
    byte[] payee = checkSignature(hash, sig, fields.payeeNodeKey);
    return new Bolt11Invoice(s, network, amountMsat, timestamp, fields, payee);
  }

  /** Encodes and signs the invoice assembled in {@code builder} with the node's private key. */
  public static String encode(Bolt11Builder builder, ECKey nodeKey) {
    Objects.requireNonNull(nodeKey, "nodeKey");
    if (builder.timestamp < 0) {
      throw new Bolt11Exception("timestamp not set");
    }
    if (!builder.hasPaymentHash) {
      throw new Bolt11Exception("payment hash not set");
    }
    String hrp = "ln" + builder.network.prefix() + (builder.amountMsat < 0 ? "" : formatAmount(builder.amountMsat));
    int length = TIMESTAMP_WORDS;
    for (Bolt11Builder.Field f : builder.fields) {
      length += 3 + f.words().length;
    }
    byte[] words = new byte[length + SIGNATURE_WORDS];
    long ts = builder.timestamp;
    for (int i = TIMESTAMP_WORDS - 1; i >= 0; i--) {
      words[i] = (byte) (ts & 31);
      ts >>>= 5;
    }
    int pos = TIMESTAMP_WORDS;
    for (Bolt11Builder.Field f : builder.fields) {
      words[pos++] = (byte) f.type();
      words[pos++] = (byte) (f.words().length >>> 5);
      words[pos++] = (byte) (f.words().length & 31);
      System.arraycopy(f.words(), 0, words, pos, f.words().length);
      pos += f.words().length;
    }
    byte[] hash = signingHash(hrp, words, length);
    byte[] sigWords = Bech32.toWords(sign(nodeKey, hash));
    System.arraycopy(sigWords, 0, words, length, SIGNATURE_WORDS);
    return Bech32.encode(Bech32.Encoding.BECH32, hrp, words);
  }

  /** HRP amount to msat; -1 when absent. Exact long arithmetic, overflow rejected. */
  static long parseAmount(String amount) {
    if (amount.isEmpty()) {
      return -1;
    }
    char last = amount.charAt(amount.length() - 1);
    boolean hasMultiplier = !Character.isDigit(last);
    String digits = hasMultiplier ? amount.substring(0, amount.length() - 1) : amount;
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw new Bolt11Exception("invalid amount '" + amount + "'");
    }
    try {
      long value = Long.parseLong(digits); // NumberFormatException on overflow
      long msat = switch (hasMultiplier ? last : ' ') {
        case ' ' -> Math.multiplyExact(value, MSAT_PER_BTC);
        case 'm' -> Math.multiplyExact(value, MSAT_PER_BTC / 1_000);
        case 'u' -> Math.multiplyExact(value, MSAT_PER_BTC / 1_000_000);
        case 'n' -> Math.multiplyExact(value, MSAT_PER_BTC / 1_000_000_000);
        case 'p' -> {
          // 1 pico-bitcoin is 0.1 msat: "the last decimal of amount MUST be 0"
          if (value % 10 != 0) {
            throw new Bolt11Exception("amount has sub-millisatoshi precision");
          }
          yield value / 10;
        }
        default -> throw new Bolt11Exception("invalid amount multiplier '" + last + "'");
      };
      if (msat <= 0) {
        throw new Bolt11Exception("amount must be positive");
      }
      return msat;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new Bolt11Exception("amount overflows millisatoshis", e);
    }
  }

  /** The shortest HRP amount for msat: the largest multiplier that divides it exactly. */
  static String formatAmount(long msat) {
    if (msat % MSAT_PER_BTC == 0) {
      return Long.toString(msat / MSAT_PER_BTC);
    }
    long[] divisors = {MSAT_PER_BTC / 1_000, MSAT_PER_BTC / 1_000_000, MSAT_PER_BTC / 1_000_000_000};
    char[] multipliers = {'m', 'u', 'n'};
    for (int i = 0; i < divisors.length; i++) {
      if (msat % divisors[i] == 0) {
        return (msat / divisors[i]) + String.valueOf(multipliers[i]);
      }
    }
    return Math.multiplyExact(msat, 10L) + "p";
  }

  /** SHA256(hrp as UTF-8 || data words before the signature, packed into bytes with zero padding). */
  private static byte[] signingHash(String hrp, byte[] words, int length) {
    byte[] hrpBytes = hrp.getBytes(StandardCharsets.UTF_8);
    byte[] data = Bech32.convertBits(words, 0, length, 5, 8, true);
    byte[] message = Arrays.copyOf(hrpBytes, hrpBytes.length + data.length);
    System.arraycopy(data, 0, message, hrpBytes.length, data.length);
    return Sha256Hash.hash(message);
  }

  /**
   * ECDSA over secp256k1 with an RFC 6979 nonce and low S, exactly as bitcoinj's
   * {@link ECKey#sign} (so the spec's examples still come out byte for byte), but computing the
   * recovery id from the nonce point R instead of trying up to four public-key recoveries: bit 0 is
   * R.y's parity, bit 1 says R.x overflowed n, and making S low flips the parity. One point
   * multiplication instead of up to nine; the LND simulator signs one invoice per AddInvoice.
   */
  private static byte[] sign(ECKey key, byte[] hash) {
    BigInteger d = key.getPrivKey();
    HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
    nonces.init(CURVE_N, d, hash);
    BigInteger e = new BigInteger(1, hash);
    while (true) {
      BigInteger k = nonces.nextK();
      ECPoint point = BASE_MULTIPLIER.multiply(ECKey.ecDomainParameters().getG(), k).normalize();
      BigInteger x = point.getAffineXCoord().toBigInteger();
      BigInteger r = x.mod(CURVE_N);
      BigInteger s = r.signum() == 0 ? BigInteger.ZERO
          : k.modInverse(CURVE_N).multiply(e.add(d.multiply(r))).mod(CURVE_N);
      if (s.signum() == 0) {
        continue; // as RFC 6979 says: take the next k
      }
      int recId = (point.getAffineYCoord().testBitZero() ? 1 : 0) | (x.compareTo(CURVE_N) >= 0 ? 2 : 0);
      if (s.compareTo(HALF_N) > 0) {
        s = CURVE_N.subtract(s);
        recId ^= 1;
      }
      byte[] out = new byte[65];
      copy32(r, out, 0);
      copy32(s, out, 32);
      out[64] = (byte) recId;
      return out;
    }
  }

  /** Verifies against {@code n} if given, else recovers; returns the payee's compressed key. */
  private static byte[] checkSignature(byte[] hash, byte[] sig, byte[] explicitPayee) {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    int recId = sig[64];
    if (r.signum() == 0 || r.compareTo(CURVE_N) >= 0 || s.signum() == 0 || s.compareTo(CURVE_N) >= 0) {
      throw new Bolt11Exception("signature r or s out of range");
    }
    if (s.compareTo(HALF_N) > 0) {
      // Every implementation signs low-S (as libsecp256k1 requires); a high-S twin is malleated.
      throw new Bolt11Exception("signature is not in low-S form");
    }
    ECKey.ECDSASignature signature = new ECKey.ECDSASignature(r, s);
    if (explicitPayee != null) {
      if (!ECKey.isPubKeyCanonical(explicitPayee) || !verify(hash, signature, explicitPayee)) {
        throw new Bolt11Exception("signature does not match the payee key in the n field");
      }
      return explicitPayee;
    }
    if (recId < 0 || recId > 3) {
      throw new Bolt11Exception("invalid signature recovery id " + recId);
    }
    ECKey recovered;
    try {
      recovered = ECKey.recoverFromSignature(recId, signature, Sha256Hash.wrap(hash), true);
    } catch (IllegalArgumentException e) {
      recovered = null;
    }
    if (recovered == null) {
      throw new Bolt11Exception("signature is not recoverable");
    }
    return recovered.getPubKey();
  }

  private static boolean verify(byte[] hash, ECKey.ECDSASignature sig, byte[] pub) {
    try {
      return ECKey.verify(hash, sig, pub);
    } catch (RuntimeException e) { // bitcoinj/bouncycastle reject malformed points this way
      return false;
    }
  }

  private static void copy32(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray(); // big-endian, maybe with a sign byte or shorter than 32
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
  }
}
