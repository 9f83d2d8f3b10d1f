package me.flashapp.gateway.card;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of a card tap at a POS: settled, or declined with a stable reason code
 * (invalid-tap, unknown-card, bad-signature, card-disabled, counter-replay, invoice-not-found,
 * invoice-not-payable, over-transaction-limit, over-daily-limit, pin-required, wrong-pin,
 * insufficient-balance, rate-limited).
 */
public record TapResult(String status, String reason, String cardId, long amountSats) {
  public static final String SETTLED = "settled";
  public static final String DECLINED = "declined";

  public static TapResult settled(String cardId, long amountSats) {
    return new TapResult(SETTLED, null, cardId, amountSats);
  }

  public static TapResult declined(String reason, String cardId) {
    return new TapResult(DECLINED, reason, cardId, 0);
  }

  public boolean isSettled() {
    return SETTLED.equals(status);
  }

  /** The POS WebSocket answer: {@code {"type":"cardPaymentResult","requestId","status","reason"}}. */
  public JsonObject toPosFrame(String requestId) {
    JsonObject frame = new JsonObject().put("type", "cardPaymentResult").put("requestId", requestId)
        .put("status", status);
    if (reason != null) {
      frame.put("reason", reason);
    }
    return frame;
  }
}
