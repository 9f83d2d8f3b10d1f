package me.flashapp.gateway.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;

/** Column reads the SQL client does wastefully. */
public final class Rows {
  private Rows() {}

  /**
   * A {@code numeric} column as the {@link BigDecimal} the driver already decoded. The client's
   * {@code Row.getBigDecimal} turns its {@link Numeric} into a string and parses that back: two
   * conversions and their garbage for each amount of each invoice row read.
   *
   * @return null for SQL NULL; NaN (which no column of ours allows) fails as the driver's would
   */
  public static BigDecimal decimal(Row row, String column) {
    Object value = row.getValue(column);
    if (value instanceof Numeric n) {
      BigDecimal d = n.bigDecimalValue();
      if (d == null) {
        throw new ArithmeticException("column " + column + " holds NaN");
      }
      return d;
    }
    return row.getBigDecimal(column);
  }
}
