package me.flashapp.gateway.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Converts an invoice amount in its currency to the satoshis due.
 *
 * <p>Fiat converts at a rate (currency units per BTC) and rounds <em>up</em> to the next satoshi:
 * a merchant is never paid less than the price.
 */
public final class Pricing {
  private Pricing() {}

  /**
   * Satoshis due for {@code amount} in {@code currency}.
   *
   * @param btcPrice currency units per BTC; ignored for BTC and SATS
   * @throws ArithmeticException if the result exceeds {@link Sats#MAX_MONEY}
   */
  public static Sats toSats(BigDecimal amount, String currency, BigDecimal btcPrice) {
    BigDecimal sats = switch (currency) {
      case Currencies.SATS -> amount;
      case Currencies.BTC -> amount.movePointRight(8);
      default -> amount.movePointRight(8).divide(btcPrice, 0, RoundingMode.CEILING);
    };
    if (sats.compareTo(BigDecimal.valueOf(Sats.MAX_MONEY)) > 0) {
      throw new ArithmeticException("amount exceeds 21,000,000 BTC");
    }
    return Sats.of(sats.setScale(0, RoundingMode.CEILING).longValueExact());
  }

  /** Currency units per BTC for a bitcoin-denominated invoice (BTC: 1, SATS: 100,000,000). */
  public static BigDecimal bitcoinRate(String currency) {
    return Currencies.SATS.equals(currency) ? BigDecimal.valueOf(Sats.PER_BTC) : BigDecimal.ONE;
  }
}
