package me.flashapp.gateway.card;

import io.vertx.core.json.JsonObject;

/**
 * A card tap presented at a POS to pay an invoice.
 *
 * @param p the tap's encrypted PICC data (32 hex)
 * @param c the tap's SUN MAC (16 hex)
 * @param pin the PIN the customer typed, or null
 * @param client the POS connection's remote address (rate limiting, audit), or null
 */
public record TapRequest(String storeId, String invoiceId, String p, String c, String pin, String client) {
  /**
   * Reads the POS WebSocket message {@code {"type":"cardPayment","requestId","invoiceId","p","c","pin"?}}
   * received on {@code /api/v1/stores/{storeId}/ws}. Missing fields come through as null and are
   * declined by {@link CardTaps#pay}.
   */
  public static TapRequest fromPosFrame(String storeId, JsonObject frame, String client) {
    return new TapRequest(storeId, frame.getString("invoiceId"), frame.getString("p"), frame.getString("c"),
        frame.getString("pin"), client);
  }
}
