package me.flashapp.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import me.flashapp.gateway.db.Rows;
import me.flashapp.gateway.invoice.SpeedPolicy;

/** Stores in PostgreSQL. A deleted store is retired ({@code deleted_at}) and invisible to reads. */
public final class StoreRepository {
  static final String COLUMNS = "id, name, website, default_currency, invoice_expiration, monitoring_expiration,"
      + " speed_policy, payment_tolerance, created_at";
  static final String INSERT = "INSERT INTO stores (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  static final String FIND = "SELECT " + COLUMNS + " FROM stores WHERE id = $1 AND deleted_at IS NULL";
  static final String LIST_ALL = "SELECT " + COLUMNS + " FROM stores WHERE deleted_at IS NULL ORDER BY created_at, id";
  static final String LIST_SOME = "SELECT " + COLUMNS + " FROM stores WHERE deleted_at IS NULL AND id = ANY($1)"
      + " ORDER BY created_at, id";
  static final String UPDATE = "UPDATE stores SET name = $2, website = $3, default_currency = $4,"
      + " invoice_expiration = $5, monitoring_expiration = $6, speed_policy = $7, payment_tolerance = $8"
      + " WHERE id = $1 AND deleted_at IS NULL";
  static final String DELETE = "UPDATE stores SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL";

  private StoreRepository() {}

  public static Future<Void> insert(SqlClient db, Store s) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {s.id(), s.name(), s.website(),
        s.defaultCurrency(), s.invoiceExpiration(), s.monitoringExpiration(), s.speedPolicy().name(),
        s.paymentTolerance(), s.createdAt().atOffset(ZoneOffset.UTC)})).mapEmpty();
  }

  /** The live store with this id, or null. */
  public static Future<Store> find(SqlClient db, String id) {
    return db.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> first(rows));
  }

  public static Future<List<Store>> listAll(SqlClient db) {
    return db.preparedQuery(LIST_ALL).execute().map(StoreRepository::all);
  }

  public static Future<List<Store>> list(SqlClient db, Collection<String> ids) {
    return db.preparedQuery(LIST_SOME).execute(Tuple.of(ids.toArray(String[]::new))).map(StoreRepository::all);
  }

  public static Future<Boolean> update(SqlClient db, Store s) {
    return db.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {s.id(), s.name(), s.website(),
        s.defaultCurrency(), s.invoiceExpiration(), s.monitoringExpiration(), s.speedPolicy().name(),
        s.paymentTolerance()})).map(rs -> rs.rowCount() == 1);
  }

  public static Future<Boolean> delete(SqlClient db, String id, Instant now) {
    return db.preparedQuery(DELETE).execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC))).map(rs -> rs.rowCount() == 1);
  }

  private static Store first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : map(rows.iterator().next());
  }

  private static List<Store> all(RowSet<Row> rows) {
    List<Store> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  static Store map(Row r) {
    return new Store(r.getString("id"), r.getString("name"), r.getString("website"), r.getString("default_currency"),
        r.getInteger("invoice_expiration"), r.getInteger("monitoring_expiration"),
        SpeedPolicy.valueOf(r.getString("speed_policy")), Rows.decimal(r, "payment_tolerance"),
        r.getOffsetDateTime("created_at").toInstant());
  }
}
