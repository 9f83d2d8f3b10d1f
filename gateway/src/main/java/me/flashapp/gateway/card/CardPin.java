package me.flashapp.gateway.card;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Card PINs: salted SHA-256, compared in constant time. A 4-to-8 digit PIN cannot resist an
 * offline guess by someone holding the database, whatever the hash; it guards against a stolen
 * card at a till, and taps with a wrong PIN are rate limited per card.
 */
public final class CardPin {
  private CardPin() {}

  /** Whether {@code pin} is 4 to 8 ASCII digits. */
  public static boolean isWellFormed(String pin) {
    return pin != null && pin.matches("[0-9]{4,8}");
  }

  public static byte[] newSalt() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return salt;
  }

  public static byte[] hash(byte[] salt, String pin) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(pin.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean matches(Card card, String pin) {
    return card.pinHash() != null && pin != null && MessageDigest.isEqual(card.pinHash(), hash(card.pinSalt(), pin));
  }
}
