package me.flashapp.gateway.money;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The price of one bitcoin in a fiat currency.
 *
 * <p>Lookups are synchronous and cheap: an implementation that fetches prices from the network
 * refreshes a cached table in the background, so pricing an invoice never waits on a remote call.
 */
public interface RateProvider {
  /** Currency units per BTC, or empty if the currency is not quoted. */
  Optional<BigDecimal> btcPrice(String currency);
}
