package me.flashapp.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.config.DatabaseUrls;
import me.flashapp.gateway.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * V13 moves daily limits from a scan of the ledger to card_spend_days; on the day of the upgrade
 * the table must already hold what each card spent, or a card could spend its limit twice.
 */
class CardSpendBackfillTest {

  @Test
  void theUpgradeCarriesEveryDaysDebitsOfEveryCard() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("12").load().migrate();

    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      exec(c, "INSERT INTO stores (id, name, default_currency, invoice_expiration, monitoring_expiration, speed_policy,"
          + " payment_tolerance, created_at) VALUES ('S', 'Shop', 'SATS', 900, 3600, 'MediumSpeed', 0, now())");
      for (String card : new String[] {"A", "B"}) {
        exec(c, "INSERT INTO cards (id, store_id, uid, version, label, enabled, limit_per_tx, limit_daily, created_at)"
            + " VALUES ('" + card + "', 'S', '04000000000" + card.charAt(0) + "00', 1, 'x', TRUE, 10000, 10000, now())");
      }
      exec(c, "INSERT INTO ledger_accounts (account, balance, may_go_negative) VALUES ('card:A', 0, TRUE),"
          + " ('card:B', 0, TRUE), ('store:S', 0, TRUE), ('external', 0, TRUE), ('topup-clearing', 0, TRUE)");
      // A: a top-up (not spending), two payments and a withdrawal on Nov 21 (UTC), one payment on Nov 22
      journal(c, 1, "card-topup", "2026-11-21 08:00:00+00", "topup-clearing", "card:A", 50_000);
      journal(c, 2, "card-payment", "2026-11-21 09:00:00+00", "card:A", "store:S", 1_000);
      journal(c, 3, "card-payment", "2026-11-21 23:59:59+00", "card:A", "store:S", 234);
      journal(c, 4, "card-withdraw", "2026-11-21 12:00:00+00", "card:A", "external", 5_000);
      journal(c, 5, "card-payment", "2026-11-22 00:00:00+00", "card:A", "store:S", 700);
      // B: a payment at 23:30 on Nov 21 in UTC-5 is Nov 22 in UTC; a refund does not give the limit back
      journal(c, 6, "card-topup", "2026-11-20 08:00:00+00", "topup-clearing", "card:B", 9_000);
      journal(c, 7, "card-withdraw", "2026-11-21 23:30:00-05", "card:B", "external", 3_000);
      journal(c, 8, "card-withdraw-refund", "2026-11-22 06:00:00+00", "external", "card:B", 3_000);
    }

    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT card_id, day::text, sats FROM card_spend_days ORDER BY card_id, day")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3));
      }
      assertThat(rows).containsExactly("A 2026-11-21 6234", "A 2026-11-22 700", "B 2026-11-22 3000");
    }
  }

  private static void journal(Connection c, long id, String kind, String at, String from, String to, long sats)
      throws Exception {
    exec(c, "INSERT INTO ledger_journals (id, idem_key, kind, created_at) VALUES (" + id + ", 'j" + id + "', '" + kind
        + "', '" + at + "')");
    exec(c, "INSERT INTO ledger_lines (journal_id, account, amount_sats) VALUES (" + id + ", '" + from + "', " + (-sats)
        + "), (" + id + ", '" + to + "', " + sats + ")");
  }

  private static void exec(Connection c, String sql) throws Exception {
    try (var st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
