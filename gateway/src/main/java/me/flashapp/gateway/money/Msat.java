package me.flashapp.gateway.money;

/**
 * An exact amount in millisatoshis, the unit of Lightning.
 *
 * <p>Arithmetic is exact; conversion to {@link Sats} is explicit about rounding because a
 * Lightning amount need not be a whole number of satoshis.
 */
public record Msat(long value) implements Comparable<Msat> {
  public static final Msat ZERO = new Msat(0);

  public Msat plus(Msat other) {
    return new Msat(Math.addExact(value, other.value));
  }

  public Msat minus(Msat other) {
    return new Msat(Math.subtractExact(value, other.value));
  }

  /** Whole satoshis, dropping any sub-satoshi remainder (what a payer cannot be charged). */
  public Sats toSatsFloor() {
    return Sats.of(Math.floorDiv(value, 1000L));
  }

  /** Whole satoshis, rounding a remainder up (what a payee must receive at least). */
  public Sats toSatsCeil() {
    return Sats.of(Math.floorDiv(value + 999L, 1000L));
  }

  public boolean isWholeSats() {
    return value % 1000L == 0;
  }

  @Override
  public int compareTo(Msat o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return value + " msat";
  }
}
