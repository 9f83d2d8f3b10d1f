package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.card.TapDeclinedException;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.Ledger;

/**
 * Public card pages, authenticated by the tap itself (p and c), not by an API key:
 * {@code GET /boltcards/balance?p=..&c=..} shows the balance and recent movements, as HTML (the
 * balance as {@code <dt>12,345 SATS</dt>}, the form Flash's apps read) or JSON when the client
 * asks for {@code application/json}. Reading verifies the SUN but does not consume the counter.
 */
public final class BoltCardPages {
  private final Pool pool;
  private final CardTaps taps;

  public BoltCardPages(Pool pool, CardTaps taps) {
    this.pool = pool;
    this.taps = taps;
  }

  public void routes(Router router) {
    router.get("/boltcards/balance").handler(this::balance);
  }

  public void balance(RoutingContext ctx) {
    String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    taps.verify(ctx.request().getParam("p"), ctx.request().getParam("c"), client)
        .recover(err -> Future.failedFuture(err instanceof TapDeclinedException d
            ? new ApiException(d.reason().equals("rate-limited") ? 429 : 400, "card-" + d.reason(),
                "The card tap could not be verified") : err))
        .compose(v -> {
          String account = Accounts.card(v.card().id());
          return Ledger.balance(pool, account).compose(balance -> Ledger.history(pool, account, 10)
              .map(history -> new Object[] {balance, history}));
        })
        .onSuccess(r -> {
          long balance = (Long) r[0];
          @SuppressWarnings("unchecked")
          List<Ledger.Entry> history = (List<Ledger.Entry>) r[1];
          String accept = ctx.request().getHeader("Accept");
          ctx.response().putHeader("Cache-Control", "no-store");
          if (accept != null && accept.contains("application/json")) {
            JsonArray tx = new JsonArray();
            history.forEach(e -> tx.add(new JsonObject().put("type", e.kind()).put("amount", e.sats())
                .put("createdTime", e.at().getEpochSecond())));
            Reply.ok(new JsonObject().put("balance", balance).put("currency", "SATS").put("transactions", tx)).send(ctx);
          } else {
            ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html(balance, history));
          }
        }).onFailure(ctx::fail);
  }

  static String html(long balance, List<Ledger.Entry> history) {
    NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
    StringBuilder sb = new StringBuilder(1024)
        .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flash Card balance</title></head><body>")
        .append("<dl><dd>Balance</dd><dt>").append(n.format(balance)).append(" SATS</dt></dl>")
        .append("<h2>Recent transactions</h2><table>");
    for (Ledger.Entry e : history) {
      // Only numbers, fixed words and ISO dates reach the page: nothing user-supplied to escape.
      sb.append("<tr><td>").append(e.at()).append("</td><td>")
          .append(e.kind().equals("card-topup") ? "Top-up" : e.kind().equals(CardTaps.PAYMENT_KIND) ? "Payment" : "Other")
          .append("</td><td>").append(e.sats() > 0 ? "+" : "").append(n.format(e.sats())).append(" SATS</td></tr>");
    }
    return sb.append("</table></body></html>").toString();
  }
}
