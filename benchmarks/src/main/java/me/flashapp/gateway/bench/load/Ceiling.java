package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicLong;
import me.flashapp.gateway.config.DatabaseUrls;

/**
 * The machine's ceilings, measured the same way the gateway is driven, so the gateway's figures
 * can be read as ratios: (1) single-row INSERT transactions (BEGIN, INSERT, COMMIT, durable) at full
 * speed through vertx-pg-client on the same database, (2) a plain Vert.x HTTP server answering a
 * small JSON body, driven by the same HTTP client.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar me.flashapp.gateway.bench.load.Ceiling \
 *       --database postgresql://postgres@localhost:5432/postgres [--seconds 10] [--connections 8]
 * </pre>
 */
public final class Ceiling {
  private Ceiling() {}

  public static void main(String[] args) throws Exception {
    String db = null;
    int seconds = 10;
    int connections = 8;
    int httpConnections = 64;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--database" -> db = args[++i];
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--http-connections" -> httpConnections = Integer.parseInt(args[++i]);
        default -> {
          System.out.println("usage: Ceiling [--database postgresql://...] [--seconds S] [--connections N]"
              + " [--http-connections N]");
          return;
        }
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      if (db != null) {
        System.out.printf("pg-insert-tx ceiling: %.0f tx/s (%d connections)%n", pgInserts(vertx, db, seconds, connections),
            connections);
      }
      System.out.printf("plain-http ceiling: %.0f req/s (%d connections)%n", plainHttp(vertx, seconds, httpConnections),
          httpConnections);
    } finally {
      vertx.close();
    }
  }

  /** Closed loop: each connection runs BEGIN; INSERT; COMMIT back to back. */
  static double pgInserts(Vertx vertx, String url, int seconds, int connections) throws Exception {
    DatabaseUrls.Parts p = DatabaseUrls.parse(url);
    Pool pool = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(connections))
        .connectingTo(new PgConnectOptions().setHost(p.host()).setPort(p.port()).setDatabase(p.database())
            .setUser(p.user()).setPassword(p.password()).setCachePreparedStatements(true))
        .using(vertx).build();
    await(pool.query("CREATE TABLE IF NOT EXISTS ceiling_probe (id BIGSERIAL PRIMARY KEY, store_id TEXT NOT NULL,"
        + " payload JSON NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute());
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Future<?>[] loops = new Future<?>[connections];
    for (int i = 0; i < connections; i++) {
      loops[i] = insertLoop(pool, done, end);
    }
    Future.all(java.util.List.of(loops)).toCompletionStage().toCompletableFuture().get();
    await(pool.query("DROP TABLE ceiling_probe").execute());
    await(pool.close());
    return done.get() / (double) seconds;
  }

  /**
   * One connection's loop. Each round starts the next from its completion handler instead of
   * composing futures: a composed chain would nest one future per round and, at tens of thousands
   * of rounds, overflow the stack while completing (the run then never ends).
   */
  private static Future<Void> insertLoop(Pool pool, AtomicLong done, long end) {
    Promise<Void> finished = Promise.promise();
    insertRound(pool, done, end, finished);
    return finished.future();
  }

  private static void insertRound(Pool pool, AtomicLong done, long end, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete();
      return;
    }
    pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO ceiling_probe (store_id, payload) VALUES ($1, $2::text::json)")
            .execute(Tuple.of("store", "{\"type\":\"InvoiceCreated\"}")))
        .onComplete(ar -> {
          if (ar.failed()) {
            finished.fail(ar.cause());
          } else {
            done.incrementAndGet();
            insertRound(pool, done, end, finished);
          }
        });
  }

  /** Closed loop over {@code connections} keep-alive connections against a trivial Vert.x handler. */
  static double plainHttp(Vertx vertx, int seconds, int connections) throws Exception {
    HttpServer server = await(vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}"))
        .listen(0));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.actualPort())
        .setDefaultHost("localhost").setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Future<?>[] loops = new Future<?>[connections];
    for (int i = 0; i < connections; i++) {
      loops[i] = httpLoop(client, done, end);
    }
    Future.all(java.util.List.of(loops)).toCompletionStage().toCompletableFuture().get();
    await(client.close());
    await(server.close());
    return done.get() / (double) seconds;
  }

  /** As {@link #insertLoop}: rounds chained by handlers, not by nested futures. */
  private static Future<Void> httpLoop(HttpClient client, AtomicLong done, long end) {
    Promise<Void> finished = Promise.promise();
    httpRound(client, done, end, finished);
    return finished.future();
  }

  private static void httpRound(HttpClient client, AtomicLong done, long end, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete();
      return;
    }
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/"))
        .compose(req -> req.send("{\"amount\":\"12.50\"}"))
        .compose(resp -> resp.body())
        .onComplete(ar -> {
          if (ar.failed()) {
            finished.fail(ar.cause());
          } else {
            done.incrementAndGet();
            httpRound(client, done, end, finished);
          }
        });
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
