package me.flashapp.gateway.card;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Cards, their taps and their top-ups in PostgreSQL. */
public final class CardRepository {
  static final String COLUMNS = "id, store_id, uid, version, label, enabled, counter, limit_per_tx, limit_daily,"
      + " pin_above, pin_hash, pin_salt, created_at, retired_at";
  static final String INSERT = "INSERT INTO cards (id, store_id, uid, version, label, enabled, counter, limit_per_tx,"
      + " limit_daily, pin_above, pin_hash, pin_salt, created_at)"
      + " VALUES ($1, $2, $3, $4, $5, TRUE, 0, $6, $7, $8, $9, $10, $11)";
  /** The next key version for a UID: one past any retired card's, so a re-issued card gets new keys. */
  static final String NEXT_VERSION = "SELECT COALESCE(MAX(version), 1) FROM cards WHERE uid = $1";
  static final String FIND = "SELECT " + COLUMNS + " FROM cards WHERE id = $1 AND retired_at IS NULL";
  static final String FIND_BY_UID = "SELECT " + COLUMNS + " FROM cards WHERE uid = $1 AND retired_at IS NULL";
  /** A tap's first statement: the card its UID names, row-locked, so its debits are serialized from here. */
  static final String LOCK_BY_UID = FIND_BY_UID + " FOR UPDATE";
  /** A card's balance is its account row's: card lines are never left unapplied (Accounts.appliedAtOnce). */
  static final String LIST = "SELECT " + COLUMNS + ", COALESCE(a.balance, 0) AS balance FROM cards"
      + " LEFT JOIN ledger_accounts a ON a.account = 'card:' || cards.id"
      + " WHERE store_id = $1 AND retired_at IS NULL ORDER BY created_at, id";
  static final String UPDATE = "UPDATE cards SET label = $2, enabled = $3, limit_per_tx = $4, limit_daily = $5,"
      + " pin_above = $6, pin_hash = $7, pin_salt = $8 WHERE id = $1 AND retired_at IS NULL";
  /** Retiring bumps the version: the keys a re-issue derives are not the ones the old card held. */
  static final String RETIRE = "UPDATE cards SET retired_at = $2, enabled = FALSE, version = version + 1"
      + " WHERE id = $1 AND retired_at IS NULL";
  /** Consumes a counter: true only for a counter strictly above every one accepted before. */
  static final String ADVANCE_COUNTER = "UPDATE cards SET counter = $2 WHERE id = $1 AND counter < $2"
      + " AND retired_at IS NULL AND enabled";
  /** What the card spent on a UTC day (V13); exact when read under the card's row lock. */
  static final String SPENT_ON = "SELECT sats FROM card_spend_days WHERE card_id = $1 AND day = $2";
  /** {@link #SPENT_ON} by the card's UID, for a statement sent before the card's id is known. */
  static final String SPENT_ON_BY_UID = "SELECT d.sats FROM card_spend_days d JOIN cards c ON c.id = d.card_id"
      + " WHERE c.uid = $1 AND c.retired_at IS NULL AND d.day = $2";
  static final String ADD_SPENT = "INSERT INTO card_spend_days (card_id, day, sats) VALUES ($1, $2, $3)"
      + " ON CONFLICT (card_id, day) DO UPDATE SET sats = card_spend_days.sats + EXCLUDED.sats";
  static final String INSERT_TAP = "INSERT INTO card_taps (store_id, card_id, invoice_id, counter, amount_sats,"
      + " status, reason, client, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  static final String INSERT_TOPUP = "INSERT INTO card_topups (invoice_id, card_id, created_at) VALUES ($1, $2, $3)";
  static final String TOPUP_CARD = "SELECT card_id FROM card_topups WHERE invoice_id = $1";

  /** A card with its balance (for listings). */
  public record WithBalance(Card card, long balance) {}

  private CardRepository() {}

  public static Future<Void> insert(SqlClient db, Card c) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {c.id(), c.storeId(), c.uid(), c.version(),
        c.label(), c.limitPerTx(), c.limitDaily(), c.pinAbove(), buffer(c.pinHash()), buffer(c.pinSalt()),
        utc(c.createdAt())})).mapEmpty();
  }

  public static Future<Integer> nextVersion(SqlClient db, String uid) {
    return db.preparedQuery(NEXT_VERSION).execute(Tuple.of(uid)).map(rows -> rows.iterator().next().getInteger(0));
  }

  /** The active card, or null. */
  public static Future<Card> find(SqlClient db, String id) {
    return db.preparedQuery(FIND).execute(Tuple.of(id)).map(CardRepository::first);
  }

  /** The active card with this UID (14 lower-case hex), or null. */
  public static Future<Card> findByUid(SqlClient db, String uid) {
    return db.preparedQuery(FIND_BY_UID).execute(Tuple.of(uid)).map(CardRepository::first);
  }

  /**
   * The active card with this UID, locked until the transaction ends (null if none): a tap's
   * counter, enabled flag and limits are then the ones its debit is decided on.
   */
  public static Future<Card> lockByUid(SqlClient tx, String uid) {
    return tx.preparedQuery(LOCK_BY_UID).execute(Tuple.of(uid)).map(CardRepository::first);
  }

  public static Future<List<WithBalance>> list(SqlClient db, String storeId) {
    return db.preparedQuery(LIST).execute(Tuple.of(storeId)).map(rows -> {
      List<WithBalance> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new WithBalance(map(r), r.getLong("balance")));
      }
      return out;
    });
  }

  public static Future<Boolean> update(SqlClient db, Card c) {
    return db.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {c.id(), c.label(), c.enabled(), c.limitPerTx(),
        c.limitDaily(), c.pinAbove(), buffer(c.pinHash()), buffer(c.pinSalt())})).map(rs -> rs.rowCount() == 1);
  }

  public static Future<Boolean> retire(SqlClient db, String id, Instant at) {
    return db.preparedQuery(RETIRE).execute(Tuple.of(id, utc(at))).map(rs -> rs.rowCount() == 1);
  }

  public static Future<Boolean> advanceCounter(SqlClient tx, String id, int counter) {
    return tx.preparedQuery(ADVANCE_COUNTER).execute(Tuple.of(id, counter)).map(rs -> rs.rowCount() == 1);
  }

  /**
   * Sats the card spent (taps and withdrawals) on the UTC day of {@code at}, for its daily limit.
   * The caller holds the card's row lock, taken by {@link #advanceCounter} or a
   * {@code SELECT ... FOR UPDATE}, so no other debit of the card changes it meanwhile.
   */
  public static Future<Long> spentOn(SqlClient tx, String cardId, Instant at) {
    return tx.preparedQuery(SPENT_ON).execute(Tuple.of(cardId, utcDay(at)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** {@link #spentOn} for the active card with this UID; sent behind {@link #lockByUid}, it reads under that lock. */
  public static Future<Long> spentOnByUid(SqlClient tx, String uid, Instant at) {
    return tx.preparedQuery(SPENT_ON_BY_UID).execute(Tuple.of(uid, utcDay(at)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** Adds a debit of the card to what it spent on the UTC day of {@code at}, in the debit's transaction. */
  public static Future<Void> addSpent(SqlClient tx, String cardId, Instant at, long sats) {
    return tx.preparedQuery(ADD_SPENT).execute(Tuple.of(cardId, utcDay(at), sats)).mapEmpty();
  }

  private static LocalDate utcDay(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  /** Writes one audit row for a tap. */
  public static Future<Void> insertTap(SqlClient db, String storeId, String cardId, String invoiceId, Integer counter,
                                       Long amountSats, String status, String reason, String client, Instant at) {
    return db.preparedQuery(INSERT_TAP).execute(Tuple.from(new Object[] {storeId, cardId, invoiceId, counter,
        amountSats, status, reason, client, utc(at)})).mapEmpty();
  }

  public static Future<Void> insertTopup(SqlClient tx, String invoiceId, String cardId, Instant at) {
    return tx.preparedQuery(INSERT_TOPUP).execute(Tuple.of(invoiceId, cardId, utc(at))).mapEmpty();
  }

  /** The card a top-up invoice credits, or null if the invoice is not a top-up. */
  public static Future<String> topupCard(SqlClient db, String invoiceId) {
    return db.preparedQuery(TOPUP_CARD).execute(Tuple.of(invoiceId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  private static Card first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : map(rows.iterator().next());
  }

  private static Card map(Row r) {
    OffsetDateTime retired = r.getOffsetDateTime("retired_at");
    return new Card(r.getString("id"), r.getString("store_id"), r.getString("uid"), r.getInteger("version"),
        r.getString("label"), r.getBoolean("enabled"), r.getInteger("counter"), r.getLong("limit_per_tx"),
        r.getLong("limit_daily"), r.getLong("pin_above"), bytes(r.getBuffer("pin_hash")),
        bytes(r.getBuffer("pin_salt")), r.getOffsetDateTime("created_at").toInstant(),
        retired == null ? null : retired.toInstant());
  }

  private static Buffer buffer(byte[] b) {
    return b == null ? null : Buffer.buffer(b);
  }

  private static byte[] bytes(Buffer b) {
    return b == null ? null : b.getBytes();
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
