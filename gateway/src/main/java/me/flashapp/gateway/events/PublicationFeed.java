package me.flashapp.gateway.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the global publication order: hands every published batch of outbox events
 * to the local listeners exactly once, in batch order, whichever node numbered it (schema V11).
 *
 * <p>Batch numbers are gapless and committed in order, so knowing that batch N is committed means
 * every batch up to N is. A batch this node numbered is delivered at once when it is the next one
 * (the single-node case: no query); otherwise the batches between are read first, and the own
 * batch waits for them. Other nodes' batches are read when a notification (or the safety poll)
 * says a later batch exists. Everything runs on the dispatcher's context.
 */
final class PublicationFeed {
  private static final Logger LOG = LoggerFactory.getLogger(PublicationFeed.class);
  static final String LAST = "SELECT last_batch FROM outbox_publication";
  static final String READ = "SELECT o.id, o.store_id, n.store_seq, o.type, o.invoice_id, o.payload::text AS payload"
      + " FROM outbox_numbers n JOIN outbox_events o ON o.id = n.event_id"
      + " WHERE n.pub_batch > $1 AND n.pub_batch <= $2 ORDER BY n.pub_batch, n.event_id";
  /** Batches per read: at most this many times {@link EventDispatcher#BATCH} rows. */
  static final int BATCHES_PER_READ = 4;

  private final Pool pool;
  private final Consumer<List<PublishedEvent>> listeners;
  private final TreeMap<Long, List<PublishedEvent>> ownWaiting = new TreeMap<>();
  /** Batches this node numbered in transactions not ended yet: {@link #numbered} will bring them. */
  private final TreeSet<Long> expected = new TreeSet<>();
  private Passes passes;
  /** The last batch handed to the listeners; -1 until started. */
  private long delivered = -1;
  /** The highest batch known to be committed. */
  private long known;
  private boolean reading;

  PublicationFeed(Pool pool, Consumer<List<PublishedEvent>> listeners) {
    this.pool = pool;
    this.listeners = listeners;
  }

  /**
   * Starts after the last batch published so far: terminals catch up on what came before with a
   * {@code since} replay from the outbox, so this node need not deliver it live.
   */
  Future<Void> start(Context context) {
    passes = new Passes(context, this::catchUp);
    return pool.query(LAST).execute().map(rows -> {
      delivered = rows.iterator().next().getLong("last_batch");
      known = delivered;
      return null;
    });
  }

  void stop() {
    if (passes != null) {
      passes.stop();
    }
  }

  /**
   * This node took batch {@code batch} in a transaction still open: {@link #numbered} or
   * {@link #abandoned} follows. Until then it is not read from the table. On the context.
   */
  void expect(long batch) {
    if (delivered >= 0 && batch > delivered) {
      expected.add(batch);
    }
  }

  /** The transaction that took {@code batch} rolled back (the number is taken again). On the context. */
  void abandoned(long batch) {
    if (expected.remove(batch) && delivered >= 0 && known > delivered) {
      passes.request();
    }
  }

  /** Batch {@code batch}, numbered by this node, has committed. On the context. */
  void numbered(long batch, List<PublishedEvent> events) {
    expected.remove(batch);
    if (delivered < 0 || batch <= delivered) {
      return; // not started, or already read back after another node's notification overtook our commit
    }
    known = Math.max(known, batch);
    if (batch == delivered + 1 && !reading) {
      deliver(events, batch);
      if (known > delivered) {
        passes.request();
      }
      return;
    }
    ownWaiting.put(batch, events);
    passes.request();
  }

  /** Batches up to {@code batch} have committed (a notification, the poll). On the context. */
  void committedUpTo(long batch) {
    known = Math.max(known, batch);
    if (delivered >= 0 && known > delivered) {
      passes.request(); // also retries a read that failed
    }
  }

  /** Reads the last committed batch (after a missed notification, on resubscription). */
  void poll() {
    pool.query(LAST).execute()
        .onSuccess(rows -> committedUpTo(rows.iterator().next().getLong("last_batch")))
        .onFailure(err -> LOG.warn("publication poll failed: {}", err.toString()));
  }

  /** One step towards {@code known}; true when there is more to do at once. */
  private Future<Boolean> catchUp() {
    deliverOwnWaiting();
    if (delivered < 0 || delivered >= known) {
      return Future.succeededFuture(false);
    }
    long from = delivered;
    long to = Math.min(known, from + BATCHES_PER_READ);
    Long own = ownWaiting.ceilingKey(from + 1);
    if (own != null) {
      to = Math.min(to, own - 1); // our own batch we already hold; read only the ones before it
    }
    Long coming = expected.ceiling(from + 1);
    if (coming != null) {
      to = Math.min(to, coming - 1); // our own batch, committing: numbered() brings it
    }
    if (to <= from) {
      return Future.succeededFuture(false);
    }
    long upTo = to;
    reading = true;
    return pool.preparedQuery(READ).execute(Tuple.of(from, upTo)).map(rows -> {
      List<PublishedEvent> events = new ArrayList<>(rows.size());
      for (Row r : rows) {
        events.add(new PublishedEvent(r.getLong("id"), r.getString("store_id"), r.getLong("store_seq"),
            r.getString("type"), r.getString("invoice_id"), r.getString("payload")));
      }
      reading = false;
      // batch upTo is committed, and so is every one before it: this read saw them all
      deliver(events, upTo);
      deliverOwnWaiting();
      return delivered < known;
    }).onFailure(err -> {
      reading = false;
      LOG.warn("reading published events failed, will retry: {}", err.toString());
    });
  }

  private void deliverOwnWaiting() {
    while (!ownWaiting.isEmpty()) {
      Map.Entry<Long, List<PublishedEvent>> first = ownWaiting.firstEntry();
      if (first.getKey() > delivered + 1) {
        return;
      }
      ownWaiting.pollFirstEntry();
      if (first.getKey() == delivered + 1) {
        deliver(first.getValue(), first.getKey());
      }
    }
  }

  private void deliver(List<PublishedEvent> events, long upToBatch) {
    delivered = upToBatch;
    if (!events.isEmpty()) {
      listeners.accept(events);
    }
  }
}
