package me.flashapp.gateway.pos;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.api.GatewayMetrics;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.card.TapRequest;
import me.flashapp.gateway.card.TapResult;

/**
 * The POS WebSocket's {@code cardPayment} message: a Flash Card tapped on a terminal pays one of
 * the store's invoices through {@link CardTaps#pay}. A decline is an answer, not an error: the
 * frame is {@code cardPaymentResult} with status {@code declined} and the reason code.
 */
public final class PosCardPayments {
  private final CardTaps taps;
  private final Timer settled;
  private final Timer declined;
  private final Timer failed;

  /**
   * @param meters where {@code gateway_card_tap_seconds} goes: a {@code cardPayment} frame handed
   *     over by its socket → its result frame ready to write (SUN check, the card, the payment's
   *     transaction), by {@code status} (settled, declined, error), p50/p90/p99/p99.9 over a
   *     two-minute window. Issue 6's figure "tap received → result frame sent" is this plus one
   *     frame write.
   */
  public PosCardPayments(CardTaps taps, MeterRegistry meters) {
    this.taps = taps;
    this.settled = timer(meters, TapResult.SETTLED);
    this.declined = timer(meters, TapResult.DECLINED);
    this.failed = timer(meters, "error");
  }

  private static Timer timer(MeterRegistry meters, String status) {
    return Timer.builder("gateway.card.tap").description("POS cardPayment frame received -> result frame ready")
        .tag("status", status)
        .serviceLevelObjectives(GatewayMetrics.BUCKETS)
        .register(meters);
  }

  /**
   * Pays and yields the {@code cardPaymentResult} frame. Fails only when the database does; the
   * socket turns that into an {@code internal-error} frame.
   *
   * @param frame {@code {"type":"cardPayment","requestId","invoiceId","p","c","pin"?}}
   * @param client the terminal's remote address (rate limits, audit), or null
   */
  public Future<JsonObject> pay(String storeId, JsonObject frame, String requestId, String client) {
    long start = System.nanoTime();
    return taps.pay(TapRequest.fromPosFrame(storeId, frame, client)).onComplete(ar -> {
      Timer t = ar.failed() ? failed : ar.result().isSettled() ? settled : declined;
      t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }).map(r -> r.toPosFrame(requestId));
  }
}
