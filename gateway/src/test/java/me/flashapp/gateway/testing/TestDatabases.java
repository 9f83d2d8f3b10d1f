package me.flashapp.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;
import me.flashapp.gateway.config.DatabaseUrls;
import me.flashapp.gateway.db.EmbeddedPostgresServer;

/** One real PostgreSQL server per test JVM; a fresh database for each caller. */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgresServer server;

  private TestDatabases() {}

  private static synchronized EmbeddedPostgresServer server() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("gateway-test-pg");
      // Tests trade durability for speed; the gateway itself always runs durable.
      server = EmbeddedPostgresServer.start(dir, false);
      EmbeddedPostgresServer s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** Creates an empty database and returns its URL ({@code postgresql://...}). */
  public static String newDatabaseUrl() {
    try {
      EmbeddedPostgresServer s = server();
      String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
      DatabaseUrls.Parts admin = s.database("postgres");
      try (var c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
           var st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
      return "postgresql://postgres@localhost:" + s.port() + "/" + name;
    } catch (Exception e) {
      throw new IllegalStateException("could not create a test database", e);
    }
  }
}
