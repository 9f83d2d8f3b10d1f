package me.flashapp.gateway.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Writes events into the transactional outbox. Call it with the connection of the transaction
 * that makes the change, so the event exists if and only if the change committed. Publication
 * (sequence numbers, POS hub, webhooks) happens after commit, from the table.
 */
public final class Outbox {
  static final String INSERT = "INSERT INTO outbox_events (store_id, type, invoice_id, payload, created_at)"
      + " VALUES ($1, $2, $3, $4::text::jsonb, $5)";

  private Outbox() {}

  public static Future<Void> append(SqlClient tx, String storeId, EventType type, String invoiceId, String payloadJson,
                                    Instant at) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(storeId, type.name(), invoiceId, payloadJson, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
