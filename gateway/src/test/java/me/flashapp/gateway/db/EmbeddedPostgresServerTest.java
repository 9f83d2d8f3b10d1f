package me.flashapp.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import me.flashapp.gateway.config.DatabaseUrls;
import org.junit.jupiter.api.Test;

/** The embedded server as the gateway runs it: durable, tuned for its write load, persistent. */
class EmbeddedPostgresServerTest {

  @Test
  void runsDurableWithItsWriteSettingsAndKeepsDataAcrossARestart() throws Exception {
    Path dir = Files.createTempDirectory("embedded-pg");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, true);
         Connection c = connect(pg); Statement st = c.createStatement()) {
      assertThat(setting(st, "synchronous_commit")).isEqualTo("on");
      assertThat(setting(st, "fsync")).isEqualTo("on");
      assertThat(setting(st, "shared_buffers")).isEqualTo("256MB");
      assertThat(setting(st, "wal_buffers")).isEqualTo("16MB");
      assertThat(setting(st, "max_wal_size")).isEqualTo("4GB");
      assertThat(setting(st, "min_wal_size")).isEqualTo("256MB");
      assertThat(setting(st, "checkpoint_timeout")).isEqualTo("15min");
      st.execute("CREATE TABLE kept (sats bigint NOT NULL)");
      st.execute("INSERT INTO kept VALUES (2100000000000000)");
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, true);
         Connection c = connect(pg); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT sats FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(2_100_000_000_000_000L);
      assertThat(rs.next()).isFalse();
    }
  }

  private static Connection connect(EmbeddedPostgresServer pg) throws Exception {
    DatabaseUrls.Parts p = pg.database("postgres");
    return DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
  }

  private static String setting(Statement st, String name) throws Exception {
    try (ResultSet rs = st.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
