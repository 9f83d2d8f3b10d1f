package me.flashapp.gateway.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of bitcoin in satoshis.
 *
 * <p>Immutable, over a {@code long}; arithmetic is exact and throws {@link ArithmeticException} on
 * overflow rather than wrapping. Never represent bitcoin as {@code double} or {@code float}: binary
 * floating point cannot hold 0.1 BTC exactly, and rounding errors move real money.
 */
public record Sats(long value) implements Comparable<Sats> {
  /** Satoshis in one bitcoin. */
  public static final long PER_BTC = 100_000_000L;
  /** The most satoshis there will ever be (21 million BTC); no amount we accept exceeds it. */
  public static final long MAX_MONEY = 21_000_000L * PER_BTC;

  public static final Sats ZERO = new Sats(0);

  public static Sats of(long value) {
    return value == 0 ? ZERO : new Sats(value);
  }

  /**
   * Converts a BTC amount with at most 8 decimals.
   *
   * @throws ArithmeticException if it has finer precision than a satoshi or does not fit a long
   */
  public static Sats fromBtc(BigDecimal btc) {
    return new Sats(btc.movePointRight(8).longValueExact());
  }

  public Sats plus(Sats other) {
    return new Sats(Math.addExact(value, other.value));
  }

  public Sats minus(Sats other) {
    return new Sats(Math.subtractExact(value, other.value));
  }

  public Sats times(long factor) {
    return new Sats(Math.multiplyExact(value, factor));
  }

  public boolean isPositive() {
    return value > 0;
  }

  public boolean isNegative() {
    return value < 0;
  }

  public Msat toMsat() {
    return new Msat(Math.multiplyExact(value, 1000L));
  }

  /** The amount in BTC, exactly, with 8 decimals. */
  public BigDecimal toBtc() {
    return BigDecimal.valueOf(value, 8);
  }

  /** BTC as a plain decimal string with 8 decimals, e.g. {@code "0.00012345"}. */
  public String toBtcString() {
    return toBtc().toPlainString();
  }

  /** BTC as the shortest plain decimal string, as BIP21 {@code amount=} wants it. */
  public String toBip21Amount() {
    BigDecimal btc = toBtc().stripTrailingZeros();
    return (btc.scale() < 0 ? btc.setScale(0, RoundingMode.UNNECESSARY) : btc).toPlainString();
  }

  @Override
  public int compareTo(Sats o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return value + " sat";
  }
}
