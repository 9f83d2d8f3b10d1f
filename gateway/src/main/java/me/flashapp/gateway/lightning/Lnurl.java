package me.flashapp.gateway.lightning;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import me.flashapp.gateway.bitcoin.Bech32;

/**
 * LNURL encoding (LUD-01): a URL's UTF-8 bytes in bech32 under HRP {@code lnurl}, without the
 * 90-character limit, shown in upper case because QR codes encode upper case more compactly.
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
