package me.flashapp.gateway.events;

/**
 * A committed outbox event with its per-store sequence number, as handed to the POS hub and the
 * webhook queue.
 *
 * @param payload the event payload (Greenfield webhook shape without the per-delivery fields)
 * @param frame the POS WebSocket frame, built once here and shared by every subscriber
 */
public record PublishedEvent(long id, String storeId, long seq, String type, String invoiceId, String payload,
                             String frame) {

  public PublishedEvent(long id, String storeId, long seq, String type, String invoiceId, String payload) {
    this(id, storeId, seq, type, invoiceId, payload, frame(seq, payload));
  }

  /** {@code {"type":"event","seq":N,"event":{...}}}: the payload is spliced in verbatim. */
  public static String frame(long seq, String payload) {
    return new StringBuilder(payload.length() + 40).append("{\"type\":\"event\",\"seq\":").append(seq)
        .append(",\"event\":").append(payload).append('}').toString();
  }
}
