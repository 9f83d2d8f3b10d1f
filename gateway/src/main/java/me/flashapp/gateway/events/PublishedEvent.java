package me.flashapp.gateway.events;

/**
 * A committed outbox event with its per-store sequence number, as handed to the POS hub and the
 * webhook queue.
 *
 * @param payload the event payload (Greenfield webhook shape without the per-delivery fields)
 * @param frame the POS WebSocket frame, built once here and shared by every subscriber
 * @param committedNanos {@link System#nanoTime()} when this node learned that the event's
 *     transaction committed: for its own commits the earliest commit its numbering pass covers
 *     (so never later than the event's own commit), for a transaction that numbered its own
 *     events the moment that numbering answered (just before its commit), for other nodes' events
 *     the moment they were read. The POS hub times the push from it ({@code gateway_pos_push_seconds})
 */
public record PublishedEvent(long id, String storeId, long seq, String type, String invoiceId, String payload,
                             String frame, long committedNanos) {

  /** An event known to be committed now. */
  public PublishedEvent(long id, String storeId, long seq, String type, String invoiceId, String payload) {
    this(id, storeId, seq, type, invoiceId, payload, System.nanoTime());
  }

  public PublishedEvent(long id, String storeId, long seq, String type, String invoiceId, String payload,
                        long committedNanos) {
    this(id, storeId, seq, type, invoiceId, payload, frame(seq, payload), committedNanos);
  }

  /** {@code {"type":"event","seq":N,"event":{...}}}: the payload is spliced in verbatim. */
  public static String frame(long seq, String payload) {
    return new StringBuilder(payload.length() + 40).append("{\"type\":\"event\",\"seq\":").append(seq)
        .append(",\"event\":").append(payload).append('}').toString();
  }
}
