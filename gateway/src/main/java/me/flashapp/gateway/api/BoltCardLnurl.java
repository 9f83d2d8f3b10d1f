package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import me.flashapp.gateway.card.CardLnurlPay;
import me.flashapp.gateway.card.CardWithdrawals;
import me.flashapp.gateway.card.LnurlException;

/**
 * The public LNURL endpoints of Flash Cards, authenticated by the tap (p, c) or by the k1 it
 * yielded, never by an API key:
 *
 * <ul>
 *   <li>{@code GET /boltcard?p=..&c=..} → LUD-03 withdrawRequest (consumes the tap's counter);
 *   <li>{@code GET /boltcard/withdraw?k1=..&pr=<bolt11>} → {@code {"status":"OK"}};
 *   <li>{@code GET /boltcard/pay?p=..} → LUD-06 payRequest of the card's top-up;
 *   <li>{@code GET /boltcard/pay/callback?p=..&amount=<msat>} → {@code {"pr":..,"routes":[]}}.
 * </ul>
 *
 * Errors the wallet should show are HTTP 200 {@code {"status":"ERROR","reason":..}} as LNURL
 * wants; callbacks are built from {@link Links} (GATEWAY_PUBLIC_URL or the request's Host).
 */
public final class BoltCardLnurl {
  public static final String WITHDRAW_PATH = "/boltcard";
  public static final String PAY_PATH = "/boltcard/pay";

  private final CardWithdrawals withdrawals;
  private final CardLnurlPay pay;
  private final Links links;

  public BoltCardLnurl(CardWithdrawals withdrawals, CardLnurlPay pay, Links links) {
    this.withdrawals = withdrawals;
    this.pay = pay;
    this.links = links;
  }

  public void routes(Router router) {
    router.get(WITHDRAW_PATH).handler(this::withdrawRequest);
    router.get(WITHDRAW_PATH + "/withdraw").handler(this::withdraw);
    router.get(PAY_PATH).handler(this::payRequest);
    router.get(PAY_PATH + "/callback").handler(this::payCallback);
  }

  void withdrawRequest(RoutingContext ctx) {
    String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    reply(ctx, withdrawals.offer(ctx.request().getParam("p"), ctx.request().getParam("c"), client)
        .map(w -> new JsonObject().put("tag", "withdrawRequest")
            .put("callback", links.base(ctx) + WITHDRAW_PATH + "/withdraw").put("k1", w.k1())
            .put("defaultDescription", "Flash Card " + w.card().label()).put("minWithdrawable", w.minMsat())
            .put("maxWithdrawable", w.maxMsat())
            .put("payLink", "lnurlp://" + host(ctx) + PAY_PATH + "?p=" + ctx.request().getParam("p"))));
  }

  void withdraw(RoutingContext ctx) {
    reply(ctx, withdrawals.withdraw(ctx.request().getParam("k1"), ctx.request().getParam("pr"))
        .map(v -> new JsonObject().put("status", "OK")));
  }

  void payRequest(RoutingContext ctx) {
    String p = ctx.request().getParam("p");
    reply(ctx, pay.card(p).map(card -> CardLnurlPay.payRequest(card, links.base(ctx) + PAY_PATH + "/callback?p="
        + URLEncoder.encode(p, StandardCharsets.UTF_8))));
  }

  void payCallback(RoutingContext ctx) {
    long amount;
    try {
      amount = Long.parseLong(String.valueOf(ctx.request().getParam("amount")));
    } catch (NumberFormatException e) {
      reply(ctx, Future.failedFuture(new LnurlException("amount (msat) is required")));
      return;
    }
    reply(ctx, pay.card(ctx.request().getParam("p")).compose(card -> pay.invoice(card, amount))
        .map(pr -> new JsonObject().put("pr", pr).put("routes", new io.vertx.core.json.JsonArray())));
  }

  private String host(RoutingContext ctx) {
    String base = links.base(ctx);
    return base.substring(base.indexOf("://") + 3);
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> answer) {
    answer.recover(err -> err instanceof LnurlException e
            ? Future.succeededFuture(new JsonObject().put("status", "ERROR").put("reason", e.getMessage()))
            : Future.failedFuture(err))
        .onSuccess(json -> {
          ctx.response().putHeader("Cache-Control", "no-store");
          Reply.ok(json).send(ctx);
        })
        .onFailure(ctx::fail);
  }
}
