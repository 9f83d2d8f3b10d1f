package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.Rows;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.events.Outbox;

/** Invoices and their payments in PostgreSQL. Status changes go through {@link InvoiceService}. */
public final class InvoiceRepository {
  static final String COLUMNS = "id, store_id, type, amount, currency, rate, due_sats, status, additional_status,"
      + " archived, metadata::text AS metadata, checkout::text AS checkout, speed_policy, payment_tolerance,"
      + " created_at, expires_at, monitoring_expires_at, version";
  static final String INSERT = "INSERT INTO invoices (id, store_id, type, amount, currency, rate, due_sats, status,"
      + " additional_status, archived, metadata, checkout, speed_policy, payment_tolerance, created_at, expires_at,"
      + " monitoring_expires_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10::text::jsonb, $11::text::jsonb,"
      + " $12, $13, $14, $15, $16, 0)";
  static final String FIND = "SELECT " + COLUMNS + " FROM invoices WHERE id = $1";
  /** For the API: an invoice of a retired store is gone with its store. */
  static final String FIND_LIVE = FIND + " AND EXISTS (SELECT 1 FROM stores s WHERE s.id = invoices.store_id"
      + " AND s.deleted_at IS NULL)";
  static final String FIND_FOR_UPDATE = FIND + " FOR UPDATE";
  static final String UPDATE_STATUS = "UPDATE invoices SET status = $2, additional_status = $3, version = version + 1"
      + " WHERE id = $1 AND version = $4";
  static final String UPDATE_METADATA = "UPDATE invoices SET metadata = $2::text::jsonb WHERE id = $1";
  static final String SET_ARCHIVED = "UPDATE invoices SET archived = $2 WHERE id = $1";
  static final String DUE_FOR_EXPIRY = "SELECT id FROM invoices WHERE status = 'New' AND expires_at <= $1"
      + " ORDER BY expires_at LIMIT $2";
  /** The columns of invoice_payments a {@link PaymentFact} is read from ({@link #paymentFact}), in order. */
  public static final String PAYMENT_FACT_COLUMNS = "value_sats, valid, confirmations, received_at";
  static final String PAYMENT_FACTS = "SELECT " + PAYMENT_FACT_COLUMNS + " FROM invoice_payments WHERE invoice_id = $1";

  private InvoiceRepository() {}

  /**
   * The invoice and its creation event in one statement: one round trip inside the transaction
   * instead of two. The outbox row's invoice_id and created_at are the invoice's ($1, $14).
   */
  static final String INSERT_WITH_EVENT = Outbox.insertWokenLocallySql("inv AS (" + INSERT + ")",
      "SELECT $2, $17, $1, $18::text::json, $14 FROM wake");

  /** Inserts a new invoice and its event (created at the invoice's creation time); see {@link Outbox}. */
  public static Future<Void> insertWithEvent(SqlConnection tx, Invoice i, EventType type, String payloadJson) {
    return tx.preparedQuery(INSERT_WITH_EVENT).execute(Tuple.from(new Object[] {i.id(), i.storeId(), i.type().name(),
        i.amount(), i.currency(), i.rate(), i.dueSats(), i.status().name(), i.additionalStatus().name(),
        i.metadataJson(), i.checkoutJson(), i.speedPolicy().name(), i.paymentTolerance(), utc(i.createdAt()),
        utc(i.expiresAt()), utc(i.monitoringExpiresAt()), type.name(), payloadJson})).map(rs -> {
          Outbox.wakeAfterCommit(tx);
          return null;
        });
  }

  public static Future<Void> insert(SqlClient db, Invoice i) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {i.id(), i.storeId(), i.type().name(), i.amount(),
        i.currency(), i.rate(), i.dueSats(), i.status().name(), i.additionalStatus().name(), i.metadataJson(),
        i.checkoutJson(), i.speedPolicy().name(), i.paymentTolerance(), utc(i.createdAt()), utc(i.expiresAt()),
        utc(i.monitoringExpiresAt())})).mapEmpty();
  }

  /** The invoice, or null. */
  public static Future<Invoice> find(SqlClient db, String id) {
    return db.preparedQuery(FIND).execute(Tuple.of(id)).map(InvoiceRepository::first);
  }

  /** The invoice if its store is live (not retired), or null. */
  public static Future<Invoice> findLive(SqlClient db, String id) {
    return db.preparedQuery(FIND_LIVE).execute(Tuple.of(id)).map(InvoiceRepository::first);
  }

  /** The invoice locked for the rest of the transaction, or null. */
  public static Future<Invoice> lock(SqlClient tx, String id) {
    return tx.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(id)).map(InvoiceRepository::first);
  }

  /**
   * The statement of {@link #lock(SqlClient, String, Tuple)} for the invoice whose id
   * {@code idQuery} (a one-row, one-column query) selects: a detector can then lock the invoice
   * in the same flight as the statement that finds it, before its id is known.
   */
  public static String lockSql(String idQuery) {
    return "SELECT " + COLUMNS + " FROM invoices WHERE id = (" + idQuery + ") FOR UPDATE";
  }

  /** Locks the invoice {@code lockSql} (from {@link #lockSql}) selects with {@code args}; null if none. */
  public static Future<Invoice> lock(SqlClient tx, String lockSql, Tuple args) {
    return tx.preparedQuery(lockSql).execute(args).map(InvoiceRepository::first);
  }

  /** Sets a new status if nobody changed the invoice since {@code expectedVersion}. */
  public static Future<Boolean> updateStatus(SqlClient tx, String id, InvoiceStatus status, AdditionalStatus additional,
                                             int expectedVersion) {
    return tx.preparedQuery(UPDATE_STATUS).execute(Tuple.of(id, status.name(), additional.name(), expectedVersion))
        .map(rs -> rs.rowCount() == 1);
  }

  public static Future<Void> updateMetadata(SqlClient db, String id, String metadataJson) {
    return db.preparedQuery(UPDATE_METADATA).execute(Tuple.of(id, metadataJson)).mapEmpty();
  }

  public static Future<Void> setArchived(SqlClient db, String id, boolean archived) {
    return db.preparedQuery(SET_ARCHIVED).execute(Tuple.of(id, archived)).mapEmpty();
  }

  public static Future<List<String>> dueForExpiry(SqlClient db, Instant now, int limit) {
    return db.preparedQuery(DUE_FOR_EXPIRY).execute(Tuple.of(utc(now), limit)).map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  public static Future<List<PaymentFact>> paymentFacts(SqlClient db, String invoiceId) {
    return db.preparedQuery(PAYMENT_FACTS).execute(Tuple.of(invoiceId)).map(rows -> {
      List<PaymentFact> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(paymentFact(r)));
      return out;
    });
  }

  /** A payment's fact from a row whose first columns are the {@link #PAYMENT_FACT_COLUMNS}. */
  public static PaymentFact paymentFact(Row r) {
    return new PaymentFact(r.getLong(0), r.getBoolean(1), r.getInteger(2), r.getOffsetDateTime(3).toInstant());
  }

  /** A page of a store's invoices, newest first. */
  public static Future<List<Invoice>> list(SqlClient db, InvoiceQuery q) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM invoices WHERE store_id = $1");
    List<Object> args = new ArrayList<>();
    args.add(q.storeId());
    if (q.statuses() != null && !q.statuses().isEmpty()) {
      args.add(q.statuses().stream().map(Enum::name).toArray(String[]::new));
      sql.append(" AND status = ANY($").append(args.size()).append(")");
    }
    if (q.orderIds() != null && !q.orderIds().isEmpty()) {
      args.add(q.orderIds().toArray(String[]::new));
      sql.append(" AND order_id = ANY($").append(args.size()).append(")");
    }
    if (q.startDate() != null) {
      args.add(utc(q.startDate()));
      sql.append(" AND created_at >= $").append(args.size());
    }
    if (q.endDate() != null) {
      args.add(utc(q.endDate()));
      sql.append(" AND created_at <= $").append(args.size());
    }
    if (!q.includeArchived()) {
      sql.append(" AND NOT archived");
    }
    args.add(q.skip());
    sql.append(" ORDER BY created_at DESC, id DESC OFFSET $").append(args.size());
    args.add(q.take());
    sql.append(" LIMIT $").append(args.size());
    return db.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
      List<Invoice> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(map(r)));
      return out;
    });
  }

  private static Invoice first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : map(rows.iterator().next());
  }

  static Invoice map(Row r) {
    Long due = r.getLong("due_sats");
    return new Invoice(r.getString("id"), r.getString("store_id"), InvoiceType.valueOf(r.getString("type")),
        Rows.decimal(r, "amount"),
        r.getString("currency"), Rows.decimal(r, "rate"), due,
        InvoiceStatus.valueOf(r.getString("status")), AdditionalStatus.valueOf(r.getString("additional_status")),
        r.getBoolean("archived"), r.getString("metadata"), r.getString("checkout"),
        SpeedPolicy.valueOf(r.getString("speed_policy")), Rows.decimal(r, "payment_tolerance"),
        r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant(),
        r.getOffsetDateTime("monitoring_expires_at").toInstant(), r.getInteger("version"));
  }

  static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
