package me.flashapp.gateway.bitcoin;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Bech32 (BIP173) and Bech32m (BIP350) encoding, plus the segwit address rules built on them.
 *
 * <p>The generic {@link #encode}/{@link #decode} work on 5-bit values ("words") and, unlike the
 * segwit address format, have no 90-character limit: BOLT11 invoices and LNURLs are routinely
 * longer ("MAY exceed the 90-character limit", BOLT #11 Encoding Overview). Callers that need the
 * BIP173 limit pass it to {@link #decode(String, int)}; {@link #decodeSegwit} always applies it.
 *
 * <p>Stateless and thread-safe. Every failure is a {@link Bech32Exception} (an
 * {@link IllegalArgumentException}) saying what is wrong, never echoing the whole input.
 */
public final class Bech32 {
  /** The overall length limit of BIP173 (segwit addresses). */
  public static final int SEGWIT_MAX_LENGTH = 90;

  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final byte[] CHARSET_REV = new byte[128];
  private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  private static final int CHECKSUM_LENGTH = 6;

  static {
    Arrays.fill(CHARSET_REV, (byte) -1);
    for (int i = 0; i < CHARSET.length(); i++) {
      CHARSET_REV[CHARSET.charAt(i)] = (byte) i;
      CHARSET_REV[Character.toUpperCase(CHARSET.charAt(i))] = (byte) i;
    }
  }

  private Bech32() {}

  /** The two checksum variants; they differ only in the constant xored into the checksum. */
  public enum Encoding {
    /** BIP173: segwit v0, BOLT11, LNURL. */
    BECH32(1),
    /** BIP350: segwit v1 and later. */
    BECH32M(0x2bc830a3);

    private final int constant;

    Encoding(int constant) {
      this.constant = constant;
    }
  }

  /** A decoded string: its checksum variant, lower-case HRP and 5-bit data values (checksum removed). */
  public record Decoded(Encoding encoding, String hrp, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Decoded d && encoding == d.encoding && hrp.equals(d.hrp) && Arrays.equals(data, d.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(encoding, hrp, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Bech32.Decoded[" + encoding + ", hrp=" + hrp + ", " + data.length + " words]";
    }
  }

  /** A segwit output: witness version (0..16) and witness program (2..40 bytes). */
  public record WitnessProgram(String hrp, int version, byte[] program) {
    @Override
    public boolean equals(Object o) {
      return o instanceof WitnessProgram w && hrp.equals(w.hrp) && version == w.version && Arrays.equals(program, w.program);
    }

    @Override
    public int hashCode() {
      return Objects.hash(hrp, version, Arrays.hashCode(program));
    }

    @Override
    public String toString() {
      return "WitnessProgram[hrp=" + hrp + ", v" + version + ", " + program.length + " bytes]";
    }
  }

  /** Thrown for any malformed Bech32/Bech32m string or invalid conversion. */
  public static final class Bech32Exception extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public Bech32Exception(String message) {
      super(message);
    }
  }

  /**
   * Encodes 5-bit values under a human-readable part, in lower case.
   *
   * @param hrp  1+ characters in US-ASCII 33..126 (upper case is folded to lower case)
   * @param data values 0..31
   */
  public static String encode(Encoding encoding, String hrp, byte[] data) {
    Objects.requireNonNull(encoding, "encoding");
    String lowerHrp = checkHrp(hrp);
    StringBuilder sb = new StringBuilder(lowerHrp.length() + 1 + data.length + CHECKSUM_LENGTH);
    sb.append(lowerHrp).append('1');
    for (byte b : data) {
      if ((b & 0xff) > 31) {
        throw new Bech32Exception("data value out of 5-bit range");
      }
      sb.append(CHARSET.charAt(b));
    }
    int polymod = polymod(lowerHrp, data, data.length, true) ^ encoding.constant;
    for (int i = 0; i < CHECKSUM_LENGTH; i++) {
      sb.append(CHARSET.charAt((polymod >>> (5 * (5 - i))) & 31));
    }
    return sb.toString();
  }

  /** Decodes a Bech32 or Bech32m string of any length (see the class comment on the 90-character limit). */
  public static Decoded decode(String s) {
    return decode(s, Integer.MAX_VALUE);
  }

  /** Decodes a Bech32 or Bech32m string no longer than {@code maxLength} characters. */
  public static Decoded decode(String s, int maxLength) {
    Objects.requireNonNull(s, "string");
    if (s.length() > maxLength) {
      throw new Bech32Exception("bech32 string longer than " + maxLength + " characters");
    }
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 33 || ch > 126) {
        throw new Bech32Exception("invalid character at position " + i);
      }
      lower |= ch >= 'a' && ch <= 'z';
      upper |= ch >= 'A' && ch <= 'Z';
    }
    if (lower && upper) {
      throw new Bech32Exception("mixed-case bech32 string");
    }
    int sep = s.lastIndexOf('1');
    if (sep < 1) {
      throw new Bech32Exception(sep < 0 ? "missing separator '1'" : "empty human-readable part");
    }
    int dataLength = s.length() - sep - 1;
    if (dataLength < CHECKSUM_LENGTH) {
      throw new Bech32Exception("checksum too short");
    }
    String hrp = s.substring(0, sep).toLowerCase(Locale.ROOT);
    byte[] values = new byte[dataLength];
    for (int i = 0; i < dataLength; i++) {
      char ch = s.charAt(sep + 1 + i);
      byte v = ch < 128 ? CHARSET_REV[ch] : -1;
      if (v < 0) {
        throw new Bech32Exception("invalid data character at position " + (sep + 1 + i));
      }
      values[i] = v;
    }
    int check = polymod(hrp, values, values.length, false);
    Encoding encoding;
    if (check == Encoding.BECH32.constant) {
      encoding = Encoding.BECH32;
    } else if (check == Encoding.BECH32M.constant) {
      encoding = Encoding.BECH32M;
    } else {
      throw new Bech32Exception("invalid bech32 checksum");
    }
    return new Decoded(encoding, hrp, Arrays.copyOf(values, dataLength - CHECKSUM_LENGTH));
  }

  /**
   * Regroups bits, e.g. 8 to 5 (bytes to words) or 5 to 8 (words to bytes), big-endian (BIP173
   * "convertbits"). With {@code pad}, a partial final group is zero-padded; without it, leftover
   * bits must be fewer than {@code fromBits} and all zero, as BIP173 requires when decoding.
   */
  public static byte[] convertBits(byte[] in, int fromBits, int toBits, boolean pad) {
    return convertBits(in, 0, in.length, fromBits, toBits, pad);
  }

  /** {@link #convertBits(byte[], int, int, boolean)} over {@code in[offset, offset+length)}. */
  public static byte[] convertBits(byte[] in, int offset, int length, int fromBits, int toBits, boolean pad) {
    if (fromBits < 1 || fromBits > 8 || toBits < 1 || toBits > 8) {
      throw new IllegalArgumentException("bit group sizes must be 1..8");
    }
    Objects.checkFromIndexSize(offset, length, in.length);
    int acc = 0;
    int bits = 0;
    int maxValue = (1 << toBits) - 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) ((long) length * fromBits / toBits) + 1);
    for (int i = offset; i < offset + length; i++) {
      int value = in[i] & 0xff;
      if ((value >>> fromBits) != 0) {
        throw new Bech32Exception("input value out of " + fromBits + "-bit range");
      }
      acc = ((acc << fromBits) | value) & 0xffff; // only the last toBits+fromBits bits matter
      bits += fromBits;
      while (bits >= toBits) {
        bits -= toBits;
        out.write((acc >>> bits) & maxValue);
      }
    }
    if (pad) {
      if (bits > 0) {
        out.write((acc << (toBits - bits)) & maxValue);
      }
    } else if (bits >= fromBits) {
      throw new Bech32Exception("more than " + (fromBits - 1) + " bits of padding");
    } else if (((acc << (toBits - bits)) & maxValue) != 0) {
      throw new Bech32Exception("non-zero padding");
    }
    return out.toByteArray();
  }

  /** Bytes to 5-bit words, zero-padded. */
  public static byte[] toWords(byte[] bytes) {
    return convertBits(bytes, 8, 5, true);
  }

  /** 5-bit words to bytes; leftover bits must be zero padding. */
  public static byte[] fromWords(byte[] words) {
    return convertBits(words, 5, 8, false);
  }

  /** Encodes a segwit address: Bech32 for version 0, Bech32m for 1..16 (BIP350). */
  public static String encodeSegwit(String hrp, int version, byte[] program) {
    checkWitness(version, program.length);
    byte[] words = toWords(program);
    byte[] data = new byte[words.length + 1];
    data[0] = (byte) version;
    System.arraycopy(words, 0, data, 1, words.length);
    return encode(version == 0 ? Encoding.BECH32 : Encoding.BECH32M, hrp, data);
  }

  /**
   * Decodes a segwit address with all BIP173/BIP350 checks: 90-character limit, expected HRP
   * (case-insensitive), witness version 0..16, program 2..40 bytes (20 or 32 for v0) and the
   * checksum variant matching the version.
   */
  public static WitnessProgram decodeSegwit(String expectedHrp, String address) {
    Decoded d = decode(address, SEGWIT_MAX_LENGTH);
    if (!d.hrp().equals(expectedHrp.toLowerCase(Locale.ROOT))) {
      throw new Bech32Exception("unexpected human-readable part " + d.hrp());
    }
    if (d.data().length < 1) {
      throw new Bech32Exception("empty data section");
    }
    int version = d.data()[0];
    byte[] program = convertBits(d.data(), 1, d.data().length - 1, 5, 8, false);
    checkWitness(version, program.length);
    Encoding expected = version == 0 ? Encoding.BECH32 : Encoding.BECH32M;
    if (d.encoding() != expected) {
      throw new Bech32Exception("witness version " + version + " requires " + expected);
    }
    return new WitnessProgram(d.hrp(), version, program);
  }

  private static void checkWitness(int version, int programLength) {
    if (version < 0 || version > 16) {
      throw new Bech32Exception("invalid witness version " + version);
    }
    if (programLength < 2 || programLength > 40) {
      throw new Bech32Exception("invalid witness program length " + programLength);
    }
    if (version == 0 && programLength != 20 && programLength != 32) {
      throw new Bech32Exception("witness v0 program must be 20 or 32 bytes, not " + programLength);
    }
  }

  private static String checkHrp(String hrp) {
    if (hrp.isEmpty()) {
      throw new Bech32Exception("empty human-readable part");
    }
    for (int i = 0; i < hrp.length(); i++) {
      char ch = hrp.charAt(i);
      if (ch < 33 || ch > 126) {
        throw new Bech32Exception("invalid human-readable part character at position " + i);
      }
    }
    return hrp.toLowerCase(Locale.ROOT);
  }

  /**
   * The BCH checksum of BIP173 over hrp-expand(hrp) || values (|| six zeros when creating). The
   * HRP is expanded inline (high bits, 0, low bits) so a 1,000-character invoice costs no copies.
   */
  private static int polymod(String hrp, byte[] values, int length, boolean appendZeros) {
    int chk = 1;
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk, hrp.charAt(i) >>> 5);
    }
    chk = step(chk, 0);
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk, hrp.charAt(i) & 31);
    }
    for (int i = 0; i < length; i++) {
      chk = step(chk, values[i]);
    }
    if (appendZeros) {
      for (int i = 0; i < CHECKSUM_LENGTH; i++) {
        chk = step(chk, 0);
      }
    }
    return chk;
  }

  private static int step(int chk, int value) {
    int top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; i++) {
      if (((top >>> i) & 1) != 0) {
        chk ^= GENERATOR[i];
      }
    }
    return chk;
  }
}
