package me.flashapp.gateway.card;

import java.util.Objects;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-CMAC (RFC 4493, NIST SP 800-38B) with a full 16-byte tag, on one reused BouncyCastle
 * {@link CMac}. The Bolt Card scheme uses it twice: as the NTAG 424 DNA session-key and SUN MAC
 * function (NXP AN12196 §3.3, §3.4.4) and as the PRF of deterministic key derivation.
 *
 * <p><b>Not thread-safe</b>: an instance keeps one engine and re-keys it on every call, which
 * avoids allocating a cipher per tap. Give each thread (or Vert.x context) its own instance, or
 * use the allocating {@link #mac(byte[], byte[])} for rare calls.
 */
public final class AesCmac {
  /** Length of the tag in bytes. */
  public static final int MAC_LENGTH = 16;

  private final CMac cmac = new CMac(AESEngine.newInstance());

  /** The 16-byte AES-CMAC of {@code message} under {@code key} (16, 24 or 32 bytes). */
  public byte[] compute(byte[] key, byte[] message) {
    byte[] out = new byte[MAC_LENGTH];
    compute(key, message, 0, message.length, out, 0);
    return out;
  }

  /** Writes the AES-CMAC of {@code message[offset, offset+length)} into {@code out} at {@code outOffset}. */
  public void compute(byte[] key, byte[] message, int offset, int length, byte[] out, int outOffset) {
    checkKey(key);
    Objects.checkFromIndexSize(offset, length, message.length);
    Objects.checkFromIndexSize(outOffset, MAC_LENGTH, out.length);
    cmac.init(new KeyParameter(key));
    cmac.update(message, offset, length);
    cmac.doFinal(out, outOffset);
  }

  /** One-shot AES-CMAC on a fresh engine; thread-safe but allocates. */
  public static byte[] mac(byte[] key, byte[] message) {
    return new AesCmac().compute(key, message);
  }

  static void checkKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      // The length only: never the key bytes.
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, got " + key.length);
    }
  }
}
