package me.flashapp.gateway.db;

/**
 * No pooled connection became free within the wait bound: the database is overloaded (or every
 * connection is held by slow work). Nothing was sent to PostgreSQL for this piece of work; the API
 * answers 503 so the client retries later.
 */
public final class DatabaseBusyException extends RuntimeException {
  public DatabaseBusyException(long waitedMillis) {
    super("No database connection became free within " + waitedMillis + " ms; try again");
  }
}
