package me.flashapp.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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

  /** Runs {@code work} on an event-loop context of the gateway's Vert.x (where the wait is bounded). */
  private static <T> Future<T> onContext(Context context, Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  @Test
  void theWaitForAConnectionIsBoundedAndALateConnectionGoesBackToThePool() {
    Vertx vertx = gw.gateway().vertx();
    Pool one = Database.createPool(vertx, gw.gateway().database().parts(), 1, "wait-test");
    try {
      Context context = vertx.getOrCreateContext();
      SqlConnection held = TestGateway.await(one.getConnection());
      assertThatThrownBy(() -> TestGateway.await(onContext(context,
          () -> Transactions.run(one, 200, tx -> insert(tx, "w1", 1)))))
          .hasCauseInstanceOf(DatabaseBusyException.class)
          .hasMessageContaining("within 200 ms");
      assertThat(keys("w")).isEmpty(); // nothing was sent
      TestGateway.await(held.close());
      // the timed-out request's connection, granted after its deadline, went straight back:
      // otherwise this one (same single connection) would wait for it and time out too
      TestGateway.await(onContext(context, () -> Transactions.run(one, 5_000, tx -> insert(tx, "w2", 2))));
      assertThat(keys("w")).containsExactly("w2");
    } finally {
      TestGateway.await(one.close());
    }
  }

  @Test
  void deadlinesRacingGrantsOnManyEventLoopsNeverStrandAConnection() {
    Vertx vertx = gw.gateway().vertx();
    Pool two = Database.createPool(vertx, gw.gateway().database().parts(), 2, "race-test");
    try {
      int leases = 3_000;
      AtomicInteger granted = new AtomicInteger();
      AtomicInteger busy = new AtomicInteger();
      List<Future<Void>> all = new ArrayList<>();
      for (int w = 0; w < 12; w++) { // twelve contexts spread over the event loops
        Context context = vertx.getOrCreateContext();
        all.add(onContext(context, () -> leaseInTurn(vertx, two, leases / 12, granted, busy)));
      }
      TestGateway.await(Future.all(all));
      assertThat(granted.get() + busy.get()).isEqualTo(leases); // every lease answered, once
      assertThat(granted.get()).isPositive();
      assertThat(busy.get()).isPositive(); // the deadlines did fire while grants were under way
      // both connections are free again: two leases at once succeed without waiting for a deadline
      Context context = vertx.getOrCreateContext();
      List<SqlConnection> both = TestGateway.await(onContext(context, () -> Future.all(
          Transactions.lease(two, 5_000), Transactions.lease(two, 5_000)).map(f -> f.<SqlConnection>list())));
      assertThat(both).hasSize(2);
      both.forEach(SqlConnection::close);
    } finally {
      TestGateway.await(two.close());
    }
  }

  /** {@code n} leases one after another, each waiting at most 1-3 ms and held for 0-2 ms. */
  private static Future<Void> leaseInTurn(Vertx vertx, Pool pool, int n, AtomicInteger granted, AtomicInteger busy) {
    if (n == 0) {
      return Future.succeededFuture();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Transactions.lease(pool, 1 + random.nextInt(3)).transform(ar -> {
      if (ar.succeeded()) {
        granted.incrementAndGet();
        Promise<Void> released = Promise.promise();
        vertx.setTimer(1 + random.nextInt(2), t -> ar.result().close().onComplete(c -> released.complete()));
        return released.future();
      }
      assertThat(ar.cause()).isInstanceOf(DatabaseBusyException.class);
      busy.incrementAndGet();
      return Future.<Void>succeededFuture();
    }).compose(v -> leaseInTurn(vertx, pool, n - 1, granted, busy));
  }
}
