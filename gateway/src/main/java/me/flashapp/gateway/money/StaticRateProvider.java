package me.flashapp.gateway.money;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/** Fixed rates from configuration: for development, tests and load tests. */
public final class StaticRateProvider implements RateProvider {
  private final Map<String, BigDecimal> prices;

  public StaticRateProvider(Map<String, BigDecimal> prices) {
    prices.forEach((code, price) -> {
      if (price.signum() <= 0) {
        throw new IllegalArgumentException("rate for " + code + " must be positive");
      }
    });
    this.prices = Map.copyOf(prices);
  }

  @Override
  public Optional<BigDecimal> btcPrice(String currency) {
    return Optional.ofNullable(prices.get(currency));
  }
}
