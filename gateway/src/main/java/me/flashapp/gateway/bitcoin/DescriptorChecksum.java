package me.flashapp.gateway.bitcoin;

/**
 * The 8-character output descriptor checksum of BIP380: a BCH code over the descriptor's
 * characters (grouped as the spec's INPUT_CHARSET positions), written in the bech32 alphabet
 * after a {@code #}.
 */
public final class DescriptorChecksum {
  // Position in this string = symbol value; the order is part of the spec.
  private static final String INPUT_CHARSET =
      "0123456789()[],'/*abcdefgh@:$%{}"
          + "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
          + "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
  private static final String CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final long[] GENERATOR = {0xf5dee51989L, 0xa9fdca3312L, 0x1bab10e32dL, 0x3706b1677aL, 0x644d626ffdL};

  private DescriptorChecksum() {}

  /**
   * The checksum of a descriptor (without any {@code #...}).
   *
   * @throws IllegalArgumentException if it contains a character outside the descriptor charset
   */
  public static String compute(String descriptor) {
    long c = 1;
    int cls = 0;
    int clsCount = 0;
    for (int i = 0; i < descriptor.length(); i++) {
      int pos = INPUT_CHARSET.indexOf(descriptor.charAt(i));
      if (pos < 0) {
        throw new IllegalArgumentException("invalid character '" + descriptor.charAt(i)
            + "' in descriptor at position " + i);
      }
      c = polymod(c, pos & 31);
      // Every three characters also feed their upper "class" bits as one combined symbol.
      cls = cls * 3 + (pos >> 5);
      if (++clsCount == 3) {
        c = polymod(c, cls);
        cls = 0;
        clsCount = 0;
      }
    }
    if (clsCount > 0) {
      c = polymod(c, cls);
    }
    for (int i = 0; i < 8; i++) {
      c = polymod(c, 0);
    }
    c ^= 1;
    char[] out = new char[8];
    for (int i = 0; i < 8; i++) {
      out[i] = CHECKSUM_CHARSET.charAt((int) ((c >> (5 * (7 - i))) & 31));
    }
    return new String(out);
  }

  /** {@code descriptor#checksum}. */
  public static String append(String descriptor) {
    return descriptor + "#" + compute(descriptor);
  }

  /** Whether {@code descriptorWithChecksum} ends in {@code #} and its correct checksum. */
  public static boolean isValid(String descriptorWithChecksum) {
    int hash = descriptorWithChecksum.lastIndexOf('#');
    if (hash < 0 || descriptorWithChecksum.length() - hash - 1 != 8) {
      return false;
    }
    try {
      return compute(descriptorWithChecksum.substring(0, hash)).equals(descriptorWithChecksum.substring(hash + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long polymod(long c, int value) {
    long top = c >> 35;
    c = ((c & 0x7ffffffffL) << 5) ^ value;
    for (int i = 0; i < 5; i++) {
      if (((top >> i) & 1) != 0) {
        c ^= GENERATOR[i];
      }
    }
    return c;
  }
}
