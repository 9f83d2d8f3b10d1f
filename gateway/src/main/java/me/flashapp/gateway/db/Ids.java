package me.flashapp.gateway.db;

import java.security.SecureRandom;

/**
 * Random public identifiers in Base58 (no look-alike characters), like BTCPay's: unguessable, so
 * an id in a link (checkout page, card) reveals nothing about other objects.
 */
public final class Ids {
  private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** {@code length} Base58 characters (22 ≈ 128 bits). */
  public static String random(int length) {
    byte[] b = new byte[length];
    RANDOM.nextBytes(b);
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      // 256 % 58 != 0, so reject the few biased bytes instead of reducing them.
      int v = b[i] & 0xff;
      while (v >= 232) {
        v = RANDOM.nextInt(256);
      }
      out[i] = ALPHABET[v % 58];
    }
    return new String(out);
  }

  public static boolean looksLikeId(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    return true;
  }
}
