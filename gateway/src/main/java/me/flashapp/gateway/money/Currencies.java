package me.flashapp.gateway.money;

import java.util.Currency;
import java.util.Locale;
import java.util.Optional;

/**
 * The currencies an invoice may be priced in: {@code BTC}, {@code SATS} and ISO 4217 fiat codes.
 *
 * <p>The scale (decimal places) of each is what an amount may carry: 8 for BTC, 0 for SATS, the
 * ISO minor unit for fiat (2 for USD, JMD and EUR; 0 for JPY).
 */
public final class Currencies {
  public static final String BTC = "BTC";
  public static final String SATS = "SATS";

  private Currencies() {}

  /** Upper-cases and checks a code; empty if it is neither bitcoin nor a known ISO 4217 code. */
  public static Optional<String> normalize(String code) {
    if (code == null) {
      return Optional.empty();
    }
    String upper = code.trim().toUpperCase(Locale.ROOT);
    if (upper.equals(BTC) || upper.equals(SATS)) {
      return Optional.of(upper);
    }
    if (!upper.matches("[A-Z]{3}")) {
      return Optional.empty();
    }
    try {
      Currency c = Currency.getInstance(upper);
      return c.getDefaultFractionDigits() < 0 ? Optional.empty() : Optional.of(upper);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public static boolean isBitcoin(String code) {
    return BTC.equals(code) || SATS.equals(code);
  }

  /** Decimal places an amount in this (normalized) currency may have. */
  public static int scale(String code) {
    return switch (code) {
      case BTC -> 8;
      case SATS -> 0;
      default -> Currency.getInstance(code).getDefaultFractionDigits();
    };
  }
}
