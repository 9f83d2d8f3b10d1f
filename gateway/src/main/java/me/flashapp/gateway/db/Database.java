package me.flashapp.gateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Path;
import me.flashapp.gateway.config.DatabaseUrls;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's PostgreSQL: an external server by URL or the embedded one, migrated with Flyway
 * before anything else starts, reached through one pipelined vertx-pg-client pool.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final DatabaseUrls.Parts parts;
  private final EmbeddedPostgresServer embedded;
  /** Connections of the request pool. */
  private final Pool pool;
  /**
   * Connections of the event publisher alone (numbering the outbox, reading other nodes'
   * batches): publication must not queue behind request traffic for a connection. Under overload
   * it did, and an event committed in a millisecond waited seconds for its number.
   */
  private final Pool publisherPool;

  /** Connections the event publisher may hold: one numbering pass, one read of another node's batch. */
  static final int PUBLISHER_POOL_SIZE = 2;

  private Database(DatabaseUrls.Parts parts, EmbeddedPostgresServer embedded, Pool pool, Pool publisherPool) {
    this.parts = parts;
    this.embedded = embedded;
    this.pool = pool;
    this.publisherPool = publisherPool;
  }

  /**
   * Starts the embedded server if no URL is given, applies migrations, and opens the pool.
   * Blocking work runs on a worker thread; the returned future completes on the caller's context.
   */
  public static Future<Database> open(Vertx vertx, String databaseUrl, Path dataDir, int poolSize) {
    return vertx.executeBlocking(() -> {
      EmbeddedPostgresServer embedded = null;
      DatabaseUrls.Parts parts;
      if (databaseUrl == null) {
        embedded = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), true);
        parts = embedded.database("postgres");
      } else {
        parts = DatabaseUrls.parse(databaseUrl);
      }
      try {
        migrate(parts);
      } catch (RuntimeException e) {
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
      return new Database(parts, embedded, createPool(vertx, parts, poolSize, "gateway"),
          createPool(vertx, parts, PUBLISHER_POOL_SIZE, "gateway-events"));
    });
  }

  /** Applies the migrations in {@code db/migration} (from schema/ at the repository root). Blocking. */
  public static void migrate(DatabaseUrls.Parts parts) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(parts.jdbcUrl());
    ds.setUser(parts.user());
    ds.setPassword(parts.password());
    var result = Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("database {} at schema version {} ({} migrations applied)", parts, result.targetSchemaVersion,
        result.migrationsExecuted);
  }

  static Pool createPool(Vertx vertx, DatabaseUrls.Parts parts, int size, String name) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(parts.host())
        .setPort(parts.port())
        .setDatabase(parts.database())
        .setUser(parts.user())
        .setPassword(parts.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512)
        .setPipeliningLimit(256);
    return PgBuilder.pool()
        // connectionTimeout 0: no pool wait timer (its race with a grant can strand connections,
        // see Transactions.lease, which bounds the wait instead)
        .with(new PoolOptions().setMaxSize(size).setName(name).setConnectionTimeout(0))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  public Pool pool() {
    return pool;
  }

  /** The event publisher's own connections (see {@link #publisherPool}). */
  public Pool publisherPool() {
    return publisherPool;
  }

  public DatabaseUrls.Parts parts() {
    return parts;
  }

  public boolean embedded() {
    return embedded != null;
  }

  /** Closes the pool, then (off the event loop) stops the embedded server if we started it. */
  public Future<Void> close(Vertx vertx) {
    return Future.join(pool.close(), publisherPool.close()).<Void>mapEmpty().eventually(() -> embedded == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          try {
            embedded.close();
          } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
          }
          return null;
        }));
  }
}
