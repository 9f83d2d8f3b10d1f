package me.flashapp.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LedgerTest {
  static TestGateway gw;
  static Pool pool;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    pool = gw.gateway().database().pool();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @AfterEach
  void everyJournalSumsToZeroAndBalancesMatchTheLines() {
    assertThat(gw.sql("SELECT journal_id FROM ledger_lines GROUP BY journal_id HAVING SUM(amount_sats) <> 0")).isEmpty();
    assertThat(gw.sql("SELECT a.account FROM ledger_accounts a LEFT JOIN ledger_lines l ON l.account = a.account"
        + " GROUP BY a.account, a.balance HAVING a.balance <> COALESCE(SUM(l.amount_sats), 0)")).isEmpty();
  }

  private static boolean post(Journal j) {
    return TestGateway.await(pool.withTransaction(tx -> Ledger.post(tx, j, gw.clock.instant())));
  }

  private static long balance(String account) {
    return TestGateway.await(Ledger.balance(pool, account));
  }

  @Test
  void postsOnceAndReplaysAsSuccess() {
    Journal topup = Journal.transfer("t1", "card-topup", null, Accounts.TOPUP_CLEARING, Accounts.card("A"), 1000);
    assertThat(post(topup)).isTrue();
    assertThat(post(topup)).isFalse();
    assertThat(balance(Accounts.card("A"))).isEqualTo(1000);
    assertThat(balance(Accounts.TOPUP_CLEARING)).isNegative();
    assertThat(TestGateway.await(Ledger.history(pool, Accounts.card("A"), 10))).hasSize(1);
  }

  @Test
  void aCardNeverGoesNegativeAndAFailedPostingLeavesNothing() {
    post(Journal.transfer("t2", "card-topup", null, Accounts.TOPUP_CLEARING, Accounts.card("B"), 100));
    long journals = gw.count("ledger_journals");
    assertThatThrownBy(() -> post(Journal.transfer("p1", "card-payment", null, Accounts.card("B"),
        Accounts.store("S"), 101))).hasCauseInstanceOf(InsufficientFundsException.class);
    assertThatThrownBy(() -> post(Journal.transfer("p2", "card-payment", null, Accounts.card("never-funded"),
        Accounts.store("S"), 1))).hasCauseInstanceOf(InsufficientFundsException.class);
    assertThat(gw.count("ledger_journals")).isEqualTo(journals);
    assertThat(balance(Accounts.card("B"))).isEqualTo(100);
  }

  @Test
  void theDatabaseRefusesAnUnbalancedJournalAtCommit() {
    assertThatThrownBy(() -> TestGateway.await(pool.withTransaction(tx -> tx.query(
        "INSERT INTO ledger_journals (idem_key, kind, created_at) VALUES ('raw', 'x', now())").execute()
        .compose(v -> tx.query("INSERT INTO ledger_accounts (account, may_go_negative) VALUES ('fees', TRUE)"
            + " ON CONFLICT DO NOTHING").execute())
        .compose(v -> tx.query("INSERT INTO ledger_lines SELECT id, 'fees', 5 FROM ledger_journals WHERE idem_key = 'raw'")
            .execute())))).hasMessageContaining("does not sum to zero");
    assertThat(gw.sql("SELECT id FROM ledger_journals WHERE idem_key = 'raw'")).isEmpty();
  }

  @Test
  void concurrentDebitsNeverOverdraw() {
    post(Journal.transfer("t3", "card-topup", null, Accounts.TOPUP_CLEARING, Accounts.card("C"), 1000));
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Journal j = Journal.transfer("c" + i, "card-payment", null, Accounts.card("C"), Accounts.store("S2"), 30);
      all.add(pool.withTransaction(tx -> Ledger.post(tx, j, gw.clock.instant())).recover(err ->
          err instanceof InsufficientFundsException ? Future.succeededFuture(false) : Future.failedFuture(err)));
    }
    TestGateway.await(Future.all(all));
    long accepted = all.stream().filter(f -> f.result()).count();
    assertThat(accepted).isEqualTo(33); // 33 * 30 = 990 <= 1000 < 34 * 30
    assertThat(balance(Accounts.card("C"))).isEqualTo(1000 - 30 * accepted);
    assertThat(balance(Accounts.store("S2"))).isEqualTo(30 * accepted);
  }
}
