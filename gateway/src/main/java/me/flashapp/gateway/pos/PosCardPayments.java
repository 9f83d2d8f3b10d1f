package me.flashapp.gateway.pos;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.card.TapRequest;

/**
 * The POS WebSocket's {@code cardPayment} message: a Flash Card tapped on a terminal pays one of
 * the store's invoices through {@link CardTaps#pay}. A decline is an answer, not an error: the
 * frame is {@code cardPaymentResult} with status {@code declined} and the reason code.
 */
public final class PosCardPayments {
  private final CardTaps taps;

  public PosCardPayments(CardTaps taps) {
    this.taps = taps;
  }

  /**
   * Pays and yields the {@code cardPaymentResult} frame. Fails only when the database does; the
   * socket turns that into an {@code internal-error} frame.
   *
   * @param frame {@code {"type":"cardPayment","requestId","invoiceId","p","c","pin"?}}
   * @param client the terminal's remote address (rate limits, audit), or null
   */
  public Future<JsonObject> pay(String storeId, JsonObject frame, String requestId, String client) {
    return taps.pay(TapRequest.fromPosFrame(storeId, frame, client)).map(r -> r.toPosFrame(requestId));
  }
}
