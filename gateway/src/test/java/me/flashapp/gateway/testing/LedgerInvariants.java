package me.flashapp.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** What must hold of the ledger after any sequence of operations, checked in the database. */
public final class LedgerInvariants {
  private LedgerInvariants() {}

  /**
   * Each journal and all lines together sum to zero; each account's balance (its row plus its
   * unapplied lines) equals the sum of its lines; an unapplied amount is its line's; card accounts
   * have nothing unapplied.
   */
  public static void assertHold(TestGateway gw) {
    assertThat(gw.sql("SELECT journal_id FROM ledger_lines GROUP BY journal_id HAVING SUM(amount_sats) <> 0")).isEmpty();
    assertThat(gw.sql("SELECT COALESCE(SUM(amount_sats), 0) AS s FROM ledger_lines").get(0).getLong("s")).isZero();
    assertThat(gw.sql("SELECT a.account FROM ledger_accounts a WHERE a.balance"
        + " + COALESCE((SELECT SUM(u.amount_sats) FROM ledger_unapplied u WHERE u.account = a.account), 0)"
        + " <> COALESCE((SELECT SUM(l.amount_sats) FROM ledger_lines l WHERE l.account = a.account), 0)")).isEmpty();
    assertThat(gw.sql("SELECT u.account FROM ledger_unapplied u JOIN ledger_lines l USING (journal_id, account)"
        + " WHERE u.amount_sats <> l.amount_sats OR u.account LIKE 'card:%'")).isEmpty();
  }

  /** An account's balance as the database holds it: its row plus its unapplied lines; 0 if never opened. */
  public static long balance(TestGateway gw, String account) {
    var rows = gw.sql("SELECT balance + COALESCE((SELECT SUM(amount_sats) FROM ledger_unapplied u"
        + " WHERE u.account = $1), 0) AS b FROM ledger_accounts WHERE account = $1", account);
    return rows.isEmpty() ? 0 : rows.get(0).getLong("b");
  }
}
