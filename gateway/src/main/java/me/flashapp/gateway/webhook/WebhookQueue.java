package me.flashapp.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.events.EventDispatcher;
import me.flashapp.gateway.events.PublishedEvent;

/**
 * Enqueues a delivery per (event, subscribed webhook) inside the dispatcher's numbering
 * transaction, so an event is queued for its webhooks exactly once, crash or not. The rows are the
 * durable queue {@link WebhookSender} works from.
 */
public final class WebhookQueue implements EventDispatcher.InTransaction {
  /**
   * The enabled webhooks of the stores in the batch just numbered: sent behind the numbering
   * statement, in its flight, so it reads that batch's rows (when nothing was numbered it reads the
   * previous batch's, and nothing is done with them).
   */
  static final String HOOKS = "SELECT id, store_id, everything, specific_events FROM webhooks WHERE enabled"
      + " AND store_id IN (SELECT n.store_id FROM outbox_numbers n"
      + " WHERE n.pub_batch = (SELECT last_batch FROM outbox_publication))";
  static final String ENQUEUE = "INSERT INTO webhook_deliveries (id, webhook_id, event_id, original_delivery_id,"
      + " is_redelivery, body, status, next_attempt_at, created_at)"
      + " SELECT d.id, d.webhook_id, d.event_id, d.id, FALSE, d.body, 'Pending', $5, $5"
      + " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS d(id, webhook_id, event_id, body)";

  private final Clock clock;
  private final Runnable enqueuedCommitted;

  /**
   * {@code enqueuedCommitted}: run once a numbering transaction that enqueued deliveries has
   * committed (the sender's wake-up): batches that gave the sender nothing to do (most: a store
   * with no webhook) do not wake it, and one that did wakes it only when its rows are visible.
   * Other nodes' senders find this node's deliveries by their periodic poll, should this node fail
   * to send them.
   */
  public WebhookQueue(Clock clock, Runnable enqueuedCommitted) {
    this.clock = clock;
    this.enqueuedCommitted = enqueuedCommitted;
  }

  @Override
  public Future<Function<List<PublishedEvent>, Future<Void>>> begin(SqlConnection tx) {
    return tx.preparedQuery(HOOKS).execute().map(hooks -> events -> enqueue(tx, events, hooks));
  }

  private Future<Void> enqueue(SqlConnection tx, List<PublishedEvent> events, RowSet<Row> hooks) {
    List<String> ids = new ArrayList<>();
    List<String> webhookIds = new ArrayList<>();
    List<Long> eventIds = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    for (PublishedEvent e : events) {
      for (Row h : hooks) {
        if (h.getString("store_id").equals(e.storeId()) && (h.getBoolean("everything")
            || Arrays.asList(h.getArrayOfStrings("specific_events")).contains(e.type()))) {
          String id = Ids.random(22);
          ids.add(id);
          webhookIds.add(h.getString("id"));
          eventIds.add(e.id());
          bodies.add(body(e.payload(), id, h.getString("id"), id, false));
        }
      }
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(ENQUEUE).execute(Tuple.tuple().addValue(ids.toArray(String[]::new))
        .addValue(webhookIds.toArray(String[]::new)).addValue(eventIds.toArray(Long[]::new))
        .addValue(bodies.toArray(String[]::new)).addValue(clock.instant().atOffset(ZoneOffset.UTC)))
        .<Void>map(rs -> {
          Transaction t = tx.transaction();
          if (t != null) {
            t.completion().onSuccess(v -> enqueuedCommitted.run());
          }
          return null;
        });
  }

  /** The Greenfield webhook body: the delivery fields first, then the event payload's own. */
  static String body(String payload, String deliveryId, String webhookId, String originalDeliveryId,
                     boolean isRedelivery) {
    return "{\"deliveryId\":\"" + deliveryId + "\",\"webhookId\":\"" + webhookId + "\",\"originalDeliveryId\":\""
        + originalDeliveryId + "\",\"isRedelivery\":" + isRedelivery + "," + payload.substring(1);
  }
}
