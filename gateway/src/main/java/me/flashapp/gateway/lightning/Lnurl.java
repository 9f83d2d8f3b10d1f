package me.flashapp.gateway.lightning;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import me.flashapp.gateway.bitcoin.Bech32;

/**
 * LNURL encoding (LUD-01): a URL's UTF-8 bytes in bech32 under HRP {@code lnurl}, without the
 * 90-character limit, shown in upper case because QR codes encode upper case more compactly; and
 * the LNURL-pay metadata hash (LUD-06).
 * Stateless and thread-safe.
 */
public final class Lnurl {
  private static final String HRP = "lnurl";
  private static final String SCHEME = "lightning:";

  private Lnurl() {}

  /** {@code https://...} to {@code LNURL1...}. */
  public static String encode(String url) {
    Objects.requireNonNull(url, "url");
    byte[] words = Bech32.toWords(url.getBytes(StandardCharsets.UTF_8));
    return Bech32.encode(Bech32.Encoding.BECH32, HRP, words).toUpperCase(Locale.ROOT);
  }

  /**
   * LUD-06: the {@code description_hash} an LNURL-pay invoice must carry, the SHA-256 of the
   * {@code metadata} string exactly as the payRequest served it (its UTF-8 bytes, not re-encoded).
   */
  public static byte[] metadataHash(String metadata) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(metadata.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /**
   * {@code LNURL1...} (either case, optionally after {@code lightning:}) to the URL.
   *
   * @throws IllegalArgumentException if it is not bech32, not HRP {@code lnurl}, or not UTF-8
   */
  public static String decode(String lnurl) {
    Objects.requireNonNull(lnurl, "lnurl");
    String s = lnurl.strip();
    if (s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      s = s.substring(SCHEME.length());
    }
    Bech32.Decoded d = Bech32.decode(s);
    if (!d.hrp().equals(HRP) || d.encoding() != Bech32.Encoding.BECH32) {
      throw new IllegalArgumentException("not an LNURL (expected bech32 with prefix 'lnurl')");
    }
    byte[] bytes = Bech32.fromWords(d.data());
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("LNURL does not contain UTF-8 text");
    }
  }
}
