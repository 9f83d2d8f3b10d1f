package me.flashapp.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 computed by the JDK, independently of the gateway's code, for tests to check hashes it produced. */
public final class Sha256 {
  private Sha256() {}

  /** The SHA-256 of {@code text}'s UTF-8 bytes. */
  public static byte[] of(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
