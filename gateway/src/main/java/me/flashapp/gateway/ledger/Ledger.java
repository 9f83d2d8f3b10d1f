package me.flashapp.gateway.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.SqlErrors;
import me.flashapp.gateway.db.Transactions;

/**
 * The double-entry journal in PostgreSQL. {@link #post} runs in the caller's transaction, so a
 * card payment's debit, the merchant's credit, the invoice payment and its events commit together
 * or not at all.
 *
 * <p>Concurrency: a debit of a card or store changes the balance with one conditional UPDATE that
 * PostgreSQL applies to the latest committed row under its row lock
 * ({@code ... WHERE may_go_negative OR balance + d >= 0}), so two taps racing for the last sats
 * cannot both win; the CHECK constraint on the table is the backstop. Accounts are touched in name
 * order ({@link Journal#linesInLockOrder()}) to rule out deadlocks between journals over the same
 * accounts. Lines that cannot overdraw (credits to stores, the bookkeeping accounts:
 * {@link Accounts#appliedAtOnce}) do not lock their account's row: they are appended to
 * {@code ledger_unapplied} with the journal and folded into the balance later, by a debit of that
 * account or by {@link #foldUnapplied}. A balance is the row's plus its unapplied lines.
 */
public final class Ledger {
  /**
   * The journal, its lines and any account not yet open, in one statement (one round trip). An
   * account that exists is not touched here: {@code NOT EXISTS} reads it without waiting, whereas
   * an {@code INSERT ... ON CONFLICT DO NOTHING} on a row another transaction is updating waits for
   * that transaction to end (the store's row, shared by every tap). Nothing is inserted when the
   * idempotency key is taken (a replay): no rows come back. Lines flagged in $8 are also appended
   * to {@code ledger_unapplied}.
   */
  static final String INSERT_JOURNAL = "WITH opened AS (INSERT INTO ledger_accounts (account, balance, may_go_negative)"
      + " SELECT a, 0, n FROM unnest($5::text[], $6::boolean[]) AS t (a, n)"
      + " WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts x WHERE x.account = t.a)"
      + " ON CONFLICT (account) DO NOTHING),"
      + " journal AS (INSERT INTO ledger_journals (idem_key, kind, invoice_id, created_at)"
      + " VALUES ($1, $2, $3, $4) ON CONFLICT (idem_key) DO NOTHING RETURNING id),"
      + " lines AS (INSERT INTO ledger_lines (journal_id, account, amount_sats)"
      + " SELECT journal.id, a, s FROM journal, unnest($5::text[], $7::bigint[]) AS t (a, s) RETURNING journal_id),"
      + " unapplied AS (INSERT INTO ledger_unapplied (account, journal_id, amount_sats)"
      + " SELECT a, journal.id, s FROM journal, unnest($5::text[], $7::bigint[], $8::boolean[]) AS t (a, s, later)"
      + " WHERE later)"
      + " SELECT journal_id FROM lines";
  // Balances change by UPDATE, not by an upsert: PostgreSQL checks CHECK constraints on the
  // proposed row before ON CONFLICT, so an upsert of a debit would trip the constraint.
  static final String MOVE = "UPDATE ledger_accounts SET balance = balance + $2"
      + " WHERE account = $1 AND (may_go_negative OR balance + $2 >= 0)";
  /**
   * Applies an account's unapplied lines to its balance (a debit of a store folds first). The
   * account's row is locked before any of its unapplied rows: the scalar subquery is evaluated
   * before the DELETE scans. Whoever deletes an account's unapplied rows holds that account's row
   * lock, so no two transactions ever hold some of one account's unapplied rows each and wait for
   * the others' (a deadlock: the order in which two DELETEs meet rows is their plans', not a rule).
   * A concurrent fold of the same account waits for the row lock, then finds the lines it saw
   * gone and applies each once. No row, no update.
   */
  static final String FOLD = "WITH locked AS MATERIALIZED (SELECT account FROM ledger_accounts WHERE account = $1 FOR NO KEY UPDATE),"
      + " folded AS (DELETE FROM ledger_unapplied WHERE account = (SELECT account FROM locked) RETURNING amount_sats)"
      + " UPDATE ledger_accounts SET balance = balance + f.total"
      + " FROM (SELECT SUM(amount_sats) AS total FROM folded) f WHERE account = $1 AND f.total IS NOT NULL";
  /**
   * {@link #FOLD} for up to $1 unapplied lines of the accounts among the first $1 lines, answers
   * how many it folded. It never waits: an account whose row another transaction holds (a store
   * debit in flight, another fold) is skipped ({@code SKIP LOCKED}) and left to the next pass, and
   * only the lines of accounts it locked are deleted, which nobody else may then touch. A
   * background pass can therefore neither deadlock with a payment nor delay one by more than its
   * own statement.
   */
  static final String FOLD_SOME = "WITH locked AS MATERIALIZED (SELECT a.account FROM ledger_accounts a"
      + " WHERE a.account IN (SELECT account FROM ledger_unapplied LIMIT $1) FOR NO KEY UPDATE SKIP LOCKED),"
      + " folded AS (DELETE FROM ledger_unapplied WHERE (account, journal_id) IN"
      + " (SELECT u.account, u.journal_id FROM ledger_unapplied u JOIN locked l ON l.account = u.account LIMIT $1)"
      + " RETURNING account, amount_sats),"
      + " applied AS (UPDATE ledger_accounts a SET balance = a.balance + f.total"
      + " FROM (SELECT account, SUM(amount_sats) AS total FROM folded GROUP BY account) f WHERE a.account = f.account)"
      + " SELECT COUNT(*) FROM folded";
  static final String BALANCE = "SELECT balance"
      + " + COALESCE((SELECT SUM(amount_sats) FROM ledger_unapplied u WHERE u.account = $1), 0)"
      + " FROM ledger_accounts WHERE account = $1";
  static final String HISTORY = "SELECT j.id, j.kind, j.invoice_id, l.amount_sats, j.created_at FROM ledger_lines l"
      + " JOIN ledger_journals j ON j.id = l.journal_id WHERE l.account = $1 ORDER BY l.journal_id DESC LIMIT $2";

  /** One line of an account's history. */
  public record Entry(long journalId, String kind, String invoiceId, long sats, Instant at) {}

  private Ledger() {}

  /**
   * Posts a journal in the caller's transaction.
   *
   * @return true if posted, false if a journal with this idempotency key already exists (a replay:
   *     success, nothing posted twice)
   *     Fails with {@link InsufficientFundsException} if a non-negative account would go below
   *     zero; the caller must then let its transaction roll back.
   * @throws Journal.InvalidJournalException at once if the journal breaks the double-entry rules
   */
  public static Future<Boolean> post(SqlConnection tx, Journal journal, Instant at) {
    journal.validate();
    Posting posting = new Posting(journal);
    return posting.insert(tx, at).compose(inserted -> inserted ? posting.moves(tx).map(true)
        : Future.succeededFuture(false));
  }

  /**
   * As {@link #post} for a journal whose idempotency key the caller knows to be new (it holds the
   * lock under which the key is taken, as a card tap holds the card's row): the balance moves go
   * out in the same flight as the journal, one round trip less. Fails if the key is taken all the
   * same, after the moves have run: the caller's transaction must then roll back.
   */
  public static Future<Void> postNew(SqlConnection tx, Journal journal, Instant at) {
    journal.validate();
    Posting posting = new Posting(journal);
    Future<Void> inserted = posting.insert(tx, at).map(isNew -> {
      if (!isNew) {
        throw new IllegalStateException("journal " + journal.idempotencyKey() + " is already posted");
      }
      return null;
    });
    return Future.all(inserted, posting.moves(tx)).mapEmpty();
  }

  /** A journal's lines in lock order, as the statements of a posting take them. */
  private static final class Posting {
    private final Journal journal;
    private final String[] accounts;
    private final Boolean[] mayGoNegative;
    private final Long[] amounts;
    private final Boolean[] later;
    private final List<Journal.Line> now;

    Posting(Journal journal) {
      this.journal = journal;
      List<Journal.Line> ordered = journal.linesInLockOrder();
      int n = ordered.size();
      accounts = new String[n];
      mayGoNegative = new Boolean[n];
      amounts = new Long[n];
      later = new Boolean[n];
      now = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Journal.Line line = ordered.get(i);
        accounts[i] = line.account();
        mayGoNegative[i] = Accounts.mayGoNegative(line.account());
        amounts[i] = line.sats();
        later[i] = !Accounts.appliedAtOnce(line.account(), line.sats());
        if (!later[i]) {
          now.add(line);
        }
      }
    }

    /** The journal, its lines, unopened accounts; false when the idempotency key is taken. */
    Future<Boolean> insert(SqlConnection tx, Instant at) {
      return tx.preparedQuery(INSERT_JOURNAL)
          .execute(Tuple.tuple().addValue(journal.idempotencyKey()).addValue(journal.kind())
              .addValue(journal.invoiceId()).addValue(at.atOffset(ZoneOffset.UTC))
              .addValue(accounts).addValue(mayGoNegative).addValue(amounts).addValue(later))
          .map(rows -> rows.rowCount() > 0);
    }

    /**
     * The lines applied at once. Sent together (pipelined on the connection); PostgreSQL still
     * runs them one after the other in account order, so row locks are taken in that order.
     */
    Future<Void> moves(SqlConnection tx) {
      List<Future<Void>> moves = new ArrayList<>(now.size());
      for (Journal.Line line : now) {
        moves.add(move(tx, line));
      }
      return Future.all(moves).mapEmpty();
    }
  }

  private static Future<Void> move(SqlConnection tx, Journal.Line line) {
    // A store's credits may still be unapplied: its debit is checked against the whole balance.
    Future<?> folded = Accounts.mayHaveUnapplied(line.account())
        ? tx.preparedQuery(FOLD).execute(Tuple.of(line.account())) : Future.succeededFuture();
    Future<Void> moved = tx.preparedQuery(MOVE).execute(Tuple.of(line.account(), line.sats()))
        .<Void>compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(new InsufficientFundsException(line.account())))
        // The CHECK constraint is the backstop should the condition above ever be bypassed.
        .recover(err -> Future.failedFuture(SqlErrors.isCheckViolation(err)
            ? new InsufficientFundsException(line.account()) : err));
    return Future.all(folded, moved).mapEmpty();
  }

  /**
   * Folds up to {@code limit} unapplied lines into their accounts' balances, in its own
   * transaction; answers how many it folded (fewer than {@code limit}: none are left but those
   * of accounts held by other transactions, as of its snapshot). Never waits for a lock, so it is
   * safe beside debits that fold and beside other nodes doing the same.
   */
  public static Future<Integer> foldUnapplied(Pool pool, int limit) {
    return Transactions.run(pool, tx -> tx.preparedQuery(FOLD_SOME).execute(Tuple.of(limit)))
        .map(rows -> (int) rows.iterator().next().getLong(0).longValue());
  }

  /** An account's balance in sats; 0 for an account that never moved. */
  public static Future<Long> balance(SqlClient db, String account) {
    return db.preparedQuery(BALANCE).execute(Tuple.of(account))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** The newest {@code limit} lines of an account, newest first. */
  public static Future<List<Entry>> history(SqlClient db, String account, int limit) {
    return db.preparedQuery(HISTORY).execute(Tuple.of(account, limit)).map(rows -> {
      List<Entry> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Entry(r.getLong(0), r.getString(1), r.getString(2), r.getLong(3),
            r.getOffsetDateTime(4).toInstant()));
      }
      return out;
    });
  }
}
