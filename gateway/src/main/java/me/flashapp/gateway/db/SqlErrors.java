package me.flashapp.gateway.db;

import io.vertx.pgclient.PgException;

/** The one place where SQLSTATE codes are interpreted. */
public final class SqlErrors {
  /** unique_violation: the row is already there. With idempotent writes, that means success. */
  public static final String UNIQUE_VIOLATION = "23505";
  /** foreign_key_violation. */
  public static final String FOREIGN_KEY_VIOLATION = "23503";
  /** check_violation: a constraint such as "balance never negative" held. */
  public static final String CHECK_VIOLATION = "23514";

  private SqlErrors() {}

  public static boolean isUniqueViolation(Throwable t) {
    return hasState(t, UNIQUE_VIOLATION);
  }

  public static boolean isCheckViolation(Throwable t) {
    return hasState(t, CHECK_VIOLATION);
  }

  public static boolean hasState(Throwable t, String sqlState) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PgException pg && sqlState.equals(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /** The constraint a PostgreSQL error names, or null. */
  public static String constraint(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PgException pg) {
        return pg.getConstraint();
      }
    }
    return null;
  }
}
