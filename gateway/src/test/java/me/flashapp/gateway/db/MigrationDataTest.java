package me.flashapp.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.config.DatabaseUrls;
import me.flashapp.gateway.events.Outbox;
import me.flashapp.gateway.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Migrations that move data: a database with rows at the version before, migrated, then read. */
class MigrationDataTest {

  private static Flyway flyway(DatabaseUrls.Parts db, String target) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
    return (target == null ? config : config.target(target)).load();
  }

  private static List<String> rows(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static void store(Connection c) throws Exception {
    exec(c, "INSERT INTO stores (id, name, default_currency, invoice_expiration, monitoring_expiration, speed_policy,"
          + " payment_tolerance, created_at) VALUES ('S', 'Shop', 'SATS', 900, 3600, 'MediumSpeed', 0, now())");
  }

  /**
   * V13 moves daily limits from a scan of the ledger to card_spend_days; on the day of the upgrade
   * the table must already hold what each card spent, or a card could spend its limit twice.
   */
  @Test
  void theSpendTableStartsWithEveryDaysDebitsOfEveryCard() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, "12").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
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

    flyway(db, "13").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      assertThat(rows(c, "SELECT card_id, day::text, sats FROM card_spend_days ORDER BY card_id, day"))
          .containsExactly("A 2026-11-21 6234", "A 2026-11-22 700", "B 2026-11-22 3000");
    }
  }

  /**
   * V14 moves event numbers out of the outbox rows: numbered events keep their seq and batch,
   * pending ones are queued for numbering, and events written afterwards are queued by the trigger
   * (in their writer's transaction only).
   */
  @Test
  void eventNumbersMoveToTheirTableAndPendingEventsAreQueued() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, "13").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
      String insert = "INSERT INTO outbox_events (id, store_id, type, payload, created_at, store_seq, pub_batch)"
          + " VALUES (%d, 'S', 'InvoiceCreated', '{}', now(), %s, %s)";
      exec(c, String.format(insert, 1, "1", "NULL")); // numbered before V11: no batch
      exec(c, String.format(insert, 2, "2", "7"));
      exec(c, String.format(insert, 3, "NULL", "NULL")); // committed, not yet numbered
    }
    flyway(db, "17").migrate(); // V18 moves the queueing into the writers' statement
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      assertThat(rows(c, "SELECT event_id, store_id, store_seq, pub_batch FROM outbox_numbers ORDER BY event_id"))
          .containsExactly("1 S 1 null", "2 S 2 7");
      assertThat(rows(c, "SELECT event_id, store_id FROM outbox_unnumbered")).containsExactly("3 S");
      exec(c, "INSERT INTO outbox_events (id, store_id, type, payload, created_at) VALUES"
          + " (4, 'S', 'InvoiceCreated', '{}', now()), (5, 'S', 'InvoiceSettled', '{}', now())");
      c.setAutoCommit(false);
      exec(c, "INSERT INTO outbox_events (id, store_id, type, payload, created_at) VALUES (6, 'S', 'x', '{}', now())");
      c.rollback();
      c.setAutoCommit(true);
      assertThat(rows(c, "SELECT event_id FROM outbox_unnumbered ORDER BY event_id")).containsExactly("3", "4", "5");
      assertThat(rows(c, "SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox_events'"
          + " AND column_name IN ('store_seq', 'pub_batch')")).isEmpty();
    }
  }

  private static void journal(Connection c, long id, String kind, String at, String from, String to, long sats)
      throws Exception {
    exec(c, "INSERT INTO ledger_journals (id, idem_key, kind, created_at) VALUES (" + id + ", 'j" + id + "', '" + kind
        + "', '" + at + "')");
    exec(c, "INSERT INTO ledger_lines (journal_id, account, amount_sats) VALUES (" + id + ", '" + from + "', " + (-sats)
        + "), (" + id + ", '" + to + "', " + sats + ")");
  }

  /** V16: ANALYZE builds no statistics for stored JSON documents, and still does for the columns queries use. */
  @Test
  void analyzeSkipsTheJsonDocumentsAndKeepsTheSearchedColumns() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, null).migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
      exec(c, "INSERT INTO invoices (id, store_id, type, amount, currency, rate, due_sats, status, additional_status,"
          + " metadata, checkout, speed_policy, payment_tolerance, created_at, expires_at, monitoring_expires_at)"
          + " SELECT 'i' || g, 'S', 'Standard', 1000, 'SATS', 100000000, 1000, 'New', 'None',"
          + " jsonb_build_object('orderId', 'o' || g), '{\"speedPolicy\":\"HighSpeed\"}', 'HighSpeed', 0, now(), now(),"
          + " now() FROM generate_series(1, 200) g");
      exec(c, "INSERT INTO outbox_events (store_id, type, invoice_id, payload, created_at)"
          + " SELECT 'S', 'InvoiceCreated', 'i' || g, jsonb_build_object('invoiceId', 'i' || g), now()"
          + " FROM generate_series(1, 200) g");
      exec(c, "ANALYZE invoices, outbox_events");
      assertThat(rows(c, "SELECT tablename || '.' || attname FROM pg_stats WHERE schemaname = 'public'"
          + " AND tablename IN ('invoices', 'outbox_events') AND attname IN"
          + " ('metadata', 'checkout', 'payload', 'order_id', 'store_id', 'invoice_id') ORDER BY 1"))
          .containsExactly("invoices.order_id", "invoices.store_id", "outbox_events.invoice_id",
              "outbox_events.store_id");
    }
  }

  /**
   * V17: the LND invoices of gateway invoices that already left New are 'closing' after the
   * upgrade (the cancel task reads only those now), open ones of New invoices stay open, and from
   * then on an invoice leaving New marks its own in the same statement.
   */
  @Test
  void lndInvoicesOfUnpayableInvoicesBecomeClosingAtTheUpgradeAndAfterIt() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, "16").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
      String[][] invoices = {{"expired", "Expired", "open"}, {"new", "New", "open"}, {"paid", "Settled", "settled"},
          {"later", "New", "open"}};
      for (String[] i : invoices) {
        exec(c, "INSERT INTO invoices (id, store_id, type, amount, currency, rate, due_sats, status, additional_status,"
            + " metadata, checkout, speed_policy, payment_tolerance, created_at, expires_at, monitoring_expires_at)"
            + " VALUES ('" + i[0] + "', 'S', 'Standard', 1000, 'SATS', 100000000, 1000, '" + i[1] + "', 'None',"
            + " '{}', '{}', 'HighSpeed', 0, now(), now(), now())");
        exec(c, "INSERT INTO lightning_invoices (payment_hash, invoice_id, node, value_msat, state, created_at)"
            + " VALUES ('h-" + i[0] + "', '" + i[0] + "', 'node', 1000000, '" + i[2] + "', now())");
      }
      flyway(db, null).migrate();
      assertThat(rows(c, "SELECT invoice_id, state FROM lightning_invoices ORDER BY invoice_id"))
          .containsExactly("expired closing", "later open", "new open", "paid settled");
      exec(c, "UPDATE invoices SET status = 'Invalid' WHERE id = 'later'");
      exec(c, "UPDATE invoices SET additional_status = 'PaidPartial' WHERE id = 'new'"); // still New
      assertThat(rows(c, "SELECT invoice_id, state FROM lightning_invoices ORDER BY invoice_id"))
          .containsExactly("expired closing", "later closing", "new open", "paid settled");
    }
  }

  /**
   * V18: the statement that writes events queues them (Outbox.insertSql), no trigger does. An
   * event queued by the old trigger stays queued once; one written after the upgrade is queued once
   * (a trigger left behind would queue it a second time, which the primary key refuses); a
   * rolled-back one is not queued. The notify trigger still fires for a writer that does not wake
   * the dispatchers itself, and not for one that does.
   */
  @Test
  void eventsAreQueuedByTheStatementThatWritesThem() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, "17").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Connection listener = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
      exec(c, "INSERT INTO outbox_events (store_id, type, payload, created_at) VALUES ('S', 'InvoiceCreated', '{}', now())");
      flyway(db, null).migrate();
      exec(listener, "LISTEN outbox_events");
      exec(c, Outbox.insertSql("", "SELECT 'S', 'InvoiceSettled', 'i', '{}'::jsonb, now()"));
      exec(c, Outbox.insertWokenLocallySql("", "SELECT 'S', 'InvoiceExpired', 'i', '{}'::jsonb, now() FROM wake"));
      c.setAutoCommit(false);
      exec(c, Outbox.insertSql("", "SELECT 'S', 'InvoiceInvalid', 'i', '{}'::jsonb, now()"));
      c.rollback();
      c.setAutoCommit(true);
      assertThat(rows(c, "SELECT u.event_id, o.type FROM outbox_unnumbered u JOIN outbox_events o ON o.id = u.event_id"
          + " ORDER BY u.event_id")).containsExactly("1 InvoiceCreated", "2 InvoiceSettled", "3 InvoiceExpired");
      assertThat(rows(c, "SELECT count(*) FROM outbox_events")).containsExactly("3");
      assertThat(rows(c, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox_events'::regclass AND NOT tgisinternal"))
          .containsExactly("outbox_events_notify");
      exec(listener, "SELECT 1"); // notifications arrive with the next answer
      var notified = listener.unwrap(org.postgresql.PGConnection.class).getNotifications(1000);
      assertThat(notified).extracting(org.postgresql.PGNotification::getName).containsExactly("outbox_events");
    }
  }

  /**
   * V19: payloads become json; each stored one is still the same document, and from then on a
   * payload is kept exactly as written (key order, no reformatting), which is what is sent.
   */
  @Test
  void payloadsKeepTheirDocumentsAndAreThenStoredAsWritten() throws Exception {
    DatabaseUrls.Parts db = DatabaseUrls.parse(TestDatabases.newDatabaseUrl());
    flyway(db, "18").migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      store(c);
      exec(c, "INSERT INTO outbox_events (store_id, type, invoice_id, payload, created_at) VALUES"
          + " ('S', 'InvoiceCreated', 'i', '{\"type\":\"InvoiceCreated\",\"metadata\":{\"orderId\":\"o-1\",\"n\":[1,2]}}', now())");
      flyway(db, null).migrate();
      assertThat(rows(c, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = 'outbox_events'::regclass AND attname = 'payload'")).containsExactly("json");
      assertThat(rows(c, "SELECT payload::jsonb = '{\"metadata\": {\"n\": [1, 2], \"orderId\": \"o-1\"},"
          + " \"type\": \"InvoiceCreated\"}'::jsonb FROM outbox_events")).containsExactly("t");
      String written = "{\"type\":\"InvoiceSettled\",\"storeId\":\"S\",\"metadata\":{\"z\":1,\"a\":2}}";
      exec(c, Outbox.insertSql("", "SELECT 'S', 'InvoiceSettled', 'i', '" + written + "'::text::json, now()"));
      assertThat(rows(c, "SELECT payload::text FROM outbox_events WHERE type = 'InvoiceSettled'"))
          .containsExactly(written);
      // not JSON: refused, nothing written
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> exec(c, Outbox.insertSql("",
          "SELECT 'S', 'InvoiceSettled', 'i', '{\"type\":'::text::json, now()"))).hasMessageContaining("json");
      assertThat(rows(c, "SELECT count(*) FROM outbox_events")).containsExactly("2");
    }
  }

  private static void exec(Connection c, String sql) throws Exception {
    try (var st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
