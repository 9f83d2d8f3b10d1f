package me.flashapp.gateway.events;

import java.time.Instant;

/**
 * Payloads of invoice events in the Greenfield webhook shape, less the per-delivery fields
 * ({@code deliveryId}, {@code webhookId}, {@code originalDeliveryId}, {@code isRedelivery}) that
 * the webhook sender adds.
 */
public final class InvoiceEvents {
  private InvoiceEvents() {}

  /** Opens a payload with the fields every invoice event has; the caller adds its own and ends it. */
  public static JsonWriter start(EventType type, Instant at, String storeId, String invoiceId, String metadataJson) {
    return new JsonWriter(256 + (metadataJson == null ? 0 : metadataJson.length()))
        .begin()
        .field("type", type.name())
        .field("timestamp", at.getEpochSecond())
        .field("storeId", storeId)
        .field("invoiceId", invoiceId)
        .raw("metadata", metadataJson == null ? "{}" : metadataJson);
  }

  /** A status event (Processing, Expired, Settled, Invalid) with its Greenfield flags. */
  public static String status(EventType type, Instant at, String storeId, String invoiceId, String metadataJson,
                              boolean overPaid, boolean partiallyPaid, boolean afterExpiration, boolean manuallyMarked) {
    JsonWriter w = start(type, at, storeId, invoiceId, metadataJson);
    switch (type) {
      case InvoiceProcessing -> w.field("overPaid", overPaid);
      case InvoiceExpired -> w.field("partiallyPaid", partiallyPaid).field("paidAfterExpiration", afterExpiration);
      case InvoiceSettled -> w.field("manuallyMarked", manuallyMarked).field("overPaid", overPaid);
      case InvoiceInvalid -> w.field("manuallyMarked", manuallyMarked);
      default -> { }
    }
    return w.end().toString();
  }

  /**
   * InvoiceReceivedPayment or InvoicePaymentSettled: the payment as Greenfield shows it
   * ({@code paymentJson} from {@link #payment}).
   */
  public static String payment(EventType type, Instant at, String storeId, String invoiceId, String metadataJson,
                               boolean afterExpiration, String paymentMethodId, String paymentJson, boolean overPaid) {
    return start(type, at, storeId, invoiceId, metadataJson)
        .field("afterExpiration", afterExpiration)
        .field("paymentMethodId", paymentMethodId)
        .raw("payment", paymentJson)
        .field("overPaid", overPaid)
        .end().toString();
  }

  /** A payment in the Greenfield shape: value in BTC as a decimal string, times in unix seconds. */
  public static String paymentJson(String id, Instant receivedAt, long valueSats, String status, String destination) {
    return new JsonWriter(160).begin()
        .field("id", id)
        .field("receivedDate", receivedAt.getEpochSecond())
        .field("value", java.math.BigDecimal.valueOf(valueSats, 8).toPlainString())
        .field("fee", "0.00000000")
        .field("status", status)
        .field("destination", destination)
        .end().toString();
  }

  public static String created(Instant at, String storeId, String invoiceId, String metadataJson) {
    return start(EventType.InvoiceCreated, at, storeId, invoiceId, metadataJson).end().toString();
  }
}
