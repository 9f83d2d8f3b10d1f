package me.flashapp.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransactionsTest {
  static TestGateway gw;
  static Pool pool;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    pool = gw.gateway().database().pool();
    gw.sql("CREATE TABLE tx_test (k TEXT PRIMARY KEY, v BIGINT NOT NULL CHECK (v >= 0))");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Future<Void> insert(io.vertx.sqlclient.SqlClient c, String k, long v) {
    return c.preparedQuery("INSERT INTO tx_test (k, v) VALUES ($1, $2)").execute(Tuple.of(k, v)).mapEmpty();
  }

  private static List<String> keys(String prefix) {
    List<String> out = new ArrayList<>();
    gw.sql("SELECT k FROM tx_test WHERE k LIKE $1 ORDER BY k", prefix + "%").forEach(r -> out.add(r.getString("k")));
    return out;
  }

  @Test
  void statementsSentWithTheBeginCommitTogether() {
    List<String> committedSeen = new ArrayList<>();
    String answer = TestGateway.await(Transactions.run(pool, tx -> {
      assertThat(tx.transaction()).isNotNull(); // commit hooks (the outbox wake-up) can attach
      tx.transaction().completion().onSuccess(v -> committedSeen.add("committed"));
      return Future.all(insert(tx, "a1", 1), insert(tx, "a2", 2)).map("done");
    }));
    assertThat(answer).isEqualTo("done");
    assertThat(keys("a")).containsExactly("a1", "a2");
    assertThat(committedSeen).containsExactly("committed");
  }

  @Test
  void aFailingStatementRollsBackWhatWasSentBeforeIt() {
    assertThatThrownBy(() -> TestGateway.await(Transactions.run(pool, tx ->
        Future.all(insert(tx, "b1", 1), insert(tx, "b2", -1), insert(tx, "b3", 3)))))
        .hasMessageContaining("tx_test_v_check");
    assertThat(keys("b")).isEmpty();
  }

  @Test
  void aFailedFutureOrAnExceptionRollsBack() {
    assertThatThrownBy(() -> TestGateway.await(Transactions.run(pool, tx -> insert(tx, "c1", 1)
        .compose(v -> Future.failedFuture(new IllegalStateException("declined"))))))
        .hasMessageContaining("declined");
    assertThatThrownBy(() -> TestGateway.await(Transactions.run(pool, tx -> {
      insert(tx, "c2", 2);
      throw new IllegalArgumentException("thrown after a statement was sent");
    }))).hasMessageContaining("thrown after");
    assertThat(keys("c")).isEmpty();
    // the connections went back to the pool clean: the next transaction commits
    TestGateway.await(Transactions.run(pool, tx -> insert(tx, "c3", 3)));
    assertThat(keys("c")).containsExactly("c3");
  }
}
