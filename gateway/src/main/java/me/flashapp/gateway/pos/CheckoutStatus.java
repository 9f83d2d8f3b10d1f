package me.flashapp.gateway.pos;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import me.flashapp.gateway.api.ApiException;
import me.flashapp.gateway.api.Reply;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.events.JsonWriter;
import me.flashapp.gateway.invoice.InvoicePaymentMethod;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.PaymentMethods;

/**
 * The public checkout status of one invoice, like BTCPay's: {@code GET /i/{invoiceId}/status}
 * (minimal JSON, no merchant data) and {@code /i/{invoiceId}/status/ws}, which pushes that JSON on
 * each change. The invoice id is an unguessable 128-bit id, which is what makes it public.
 */
public final class CheckoutStatus {
  private final Vertx vertx;
  private final Pool pool;
  private final PosHub hub;

  public CheckoutStatus(Vertx vertx, Pool pool, PosHub hub) {
    this.vertx = vertx;
    this.pool = pool;
    this.hub = hub;
  }

  public void mount(Router router) {
    // ahead of the body handler: a WebSocket upgrade has no body to read
    router.get("/i/:invoiceId/status/ws").order(-1).handler(this::socket);
    router.get("/i/:invoiceId/status").handler(this::get);
  }

  /** {@code {invoiceId, status, additionalStatus, amountDue, amountPaid (BTC), paymentMethods[]}}; null if none. */
  public Future<String> status(String invoiceId) {
    if (!Ids.looksLikeId(invoiceId)) {
      return Future.succeededFuture(null);
    }
    return InvoiceRepository.find(pool, invoiceId).compose(inv -> {
      if (inv == null) {
        return Future.succeededFuture(null);
      }
      return InvoiceRepository.paymentFacts(pool, invoiceId).compose(facts ->
          PaymentMethods.invoiceMethods(pool, invoiceId).map(methods -> {
            long paid = InvoiceService.paidSats(facts);
            JsonWriter w = new JsonWriter(256).begin()
                .field("invoiceId", inv.id())
                .field("status", inv.status().name())
                .field("additionalStatus", inv.additionalStatus().name())
                .field("amountDue", inv.dueSats() == null ? null : btc(Math.max(0, inv.dueSats() - paid)))
                .field("amountPaid", btc(paid))
                .field("expirationTime", inv.expiresAt().getEpochSecond())
                .beginArray("paymentMethods");
            for (InvoicePaymentMethod m : methods) {
              w.beginElement().field("paymentMethodId", m.paymentMethodId()).field("destination", m.destination())
                  .field("paymentLink", m.paymentLink()).end();
            }
            return w.endArray().end().toString();
          }));
    });
  }

  private static String btc(long sats) {
    return BigDecimal.valueOf(sats, 8).toPlainString();
  }

  void get(RoutingContext ctx) {
    status(ctx.pathParam("invoiceId")).onSuccess(json -> {
      if (json == null) {
        ctx.fail(ApiException.invoiceNotFound());
      } else {
        ctx.response().putHeader("Cache-Control", "no-store");
        Reply.ok(json).send(ctx);
      }
    }).onFailure(ctx::fail);
  }

  void socket(RoutingContext ctx) {
    String invoiceId = ctx.pathParam("invoiceId");
    // upgrade first: the handshake must be answered before any asynchronous look-up
    ctx.request().toWebSocket().onSuccess(ws -> status(invoiceId).onComplete(ar -> {
      if (ar.failed()) {
        ws.close((short) 1011, "internal-error");
      } else if (ar.result() == null) {
        ws.close(PosSocket.CLOSE_STORE_NOT_FOUND, "invoice-not-found");
      } else {
        follow(ws, invoiceId, ar.result());
      }
    })).onFailure(err -> {
      if (!ctx.response().ended()) {
        ctx.fail(ApiException.badRequest("websocket-required", "This endpoint needs a WebSocket upgrade"));
      }
    });
  }

  /** Sends the status now and again after each event of the invoice (re-read, so never stale). */
  private void follow(ServerWebSocket ws, String invoiceId, String first) {
    ws.writeTextMessage(first);
    ws.textMessageHandler(t -> { }); // nothing to say to us; ignored
    PosHub.Subscriber push = e -> status(invoiceId).onSuccess(json -> {
      if (json != null && !ws.isClosed()) {
        ws.writeTextMessage(json);
      }
    });
    Runnable unsubscribe = hub.subscribeInvoice(vertx.getOrCreateContext(), invoiceId, push);
    ws.closeHandler(v -> unsubscribe.run());
    // once more now subscribed: a change may have committed between the first read and subscribing
    push.onEvent(null);
  }
}
