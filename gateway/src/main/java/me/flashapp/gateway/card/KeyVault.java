package me.flashapp.gateway.card;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (issuer keys in the database) with AES-256-GCM under a master key that
 * lives outside the database (configuration, environment, KMS).
 *
 * <p>Sealed format, version 1: {@code 0x01 || nonce (12 random bytes) || ciphertext || tag (16)}.
 * The version byte lets a later format or master-key rotation coexist with old rows. A random
 * 96-bit nonce is safe for far more than the number of secrets this will ever seal (NIST SP
 * 800-38D §8.3 bounds random nonces at 2^32 messages per key).
 *
 * <p>The optional associated data binds a sealed value to its row (e.g. the issuer's id), so a
 * sealed key copied to another row does not open there. Thread-safe: a {@link Cipher} per call.
 */
public final class KeyVault {
  /** Format version written by {@link #seal}. */
  public static final byte VERSION_1 = 1;
  private static final int NONCE_LENGTH = 12;
  private static final int TAG_BITS = 128;
  private static final int OVERHEAD = 1 + NONCE_LENGTH + TAG_BITS / 8;
  private static final byte[] NO_AAD = new byte[0];

  private final SecretKeySpec masterKey;
  private final SecureRandom random;

  /** @param masterKey 32 bytes */
  public KeyVault(byte[] masterKey) {
    this(masterKey, new SecureRandom());
  }

  KeyVault(byte[] masterKey, SecureRandom random) {
    if (Objects.requireNonNull(masterKey, "masterKey").length != 32) {
      throw new IllegalArgumentException("master key must be 32 bytes, got " + masterKey.length);
    }
    this.masterKey = new SecretKeySpec(masterKey, "AES");
    this.random = random;
  }

  /** A fresh random 32-byte master key. */
  public static byte[] generateMasterKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Seals {@code secret}; {@code associatedData} may be null. */
  public byte[] seal(byte[] secret, byte[] associatedData) {
    Objects.requireNonNull(secret, "secret");
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(new byte[] {VERSION_1}); // the version is authenticated too
      gcm.updateAAD(associatedData == null ? NO_AAD : associatedData);
      byte[] sealed = new byte[1 + NONCE_LENGTH + gcm.getOutputSize(secret.length)];
      sealed[0] = VERSION_1;
      System.arraycopy(nonce, 0, sealed, 1, NONCE_LENGTH);
      gcm.doFinal(ByteBuffer.wrap(secret), ByteBuffer.wrap(sealed, 1 + NONCE_LENGTH, sealed.length - 1 - NONCE_LENGTH));
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * Opens a value made by {@link #seal} with the same associated data.
   *
   * @throws KeyVaultException if the format is unknown or authentication fails (wrong master key,
   *     wrong associated data, or tampering)
   */
  public byte[] open(byte[] sealed, byte[] associatedData) {
    Objects.requireNonNull(sealed, "sealed");
    if (sealed.length < OVERHEAD) {
      throw new KeyVaultException("sealed secret too short");
    }
    if (sealed[0] != VERSION_1) {
      throw new KeyVaultException("unknown sealed secret version " + (sealed[0] & 0xff));
    }
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_LENGTH));
      gcm.updateAAD(sealed, 0, 1);
      gcm.updateAAD(associatedData == null ? NO_AAD : associatedData);
      return gcm.doFinal(sealed, 1 + NONCE_LENGTH, sealed.length - 1 - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new KeyVaultException("sealed secret failed authentication (wrong master key, wrong context or tampered)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "KeyVault[AES-256-GCM, v" + VERSION_1 + "]";
  }

  /** A sealed secret that cannot be opened. Never carries key or plaintext bytes. */
  public static final class KeyVaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyVaultException(String message) {
      super(message);
    }
  }
}
