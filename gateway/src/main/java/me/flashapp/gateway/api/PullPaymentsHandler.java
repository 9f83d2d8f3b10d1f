package me.flashapp.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.util.List;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.payout.PayoutDestinations;
import me.flashapp.gateway.payout.PullPayments;

/**
 * Greenfield pull payments and payouts, Lightning only ({@code BTC-LN}):
 * {@code POST/GET /api/v1/stores/{storeId}/pull-payments}, the public
 * {@code GET /api/v1/pull-payments/{id}} and {@code POST/GET /api/v1/pull-payments/{id}/payouts}
 * (whoever holds the id may claim, as in BTCPay), and the store's
 * {@code POST /api/v1/stores/{storeId}/payouts/{payoutId}} (approve) and {@code .../mark-paid}.
 * Amounts are decimal strings in the pull payment's currency (BTC or SATS), whole sats.
 */
public final class PullPaymentsHandler {
  static final String METHOD = "BTC-LN";
  private final io.vertx.sqlclient.Pool pool;
  private final PullPayments pulls;

  public PullPaymentsHandler(io.vertx.sqlclient.Pool pool, PullPayments pulls) {
    this.pool = pool;
    this.pulls = pulls;
  }

  public void routes(Router router) {
    router.post("/api/v1/stores/:storeId/pull-payments").handler(this::create);
    router.get("/api/v1/stores/:storeId/pull-payments").handler(this::list);
    router.post("/api/v1/stores/:storeId/payouts/:payoutId").handler(this::approve);
    router.post("/api/v1/stores/:storeId/payouts/:payoutId/mark-paid").handler(this::markPaid);
    // Public: ahead of the API's key check (order -1), so they bring their own body handler.
    router.get("/api/v1/pull-payments/:id").order(-1).handler(this::get);
    router.get("/api/v1/pull-payments/:id/payouts").order(-1).handler(this::payouts);
    router.post("/api/v1/pull-payments/:id/payouts").order(-1)
        .handler(BodyHandler.create(false).setBodyLimit(ApiRouter.MAX_BODY_BYTES)).handler(this::claim);
  }

  void create(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_CREATE_PULL_PAYMENTS, storeId);
    Fields f = new Fields(JsonBody.object(ctx));
    String name = f.string("name", false, 100);
    String currency = f.string("currency", true, 4);
    if (currency != null && !currency.equals("BTC") && !currency.equals("SATS")) {
      f.error("currency", "must be BTC or SATS");
    }
    Long sats = currency == null ? null : sats(f, "amount", currency, true);
    List<String> methods = f.strings("payoutMethods", 4);
    if (methods != null && !methods.equals(List.of(METHOD))) {
      f.error("payoutMethods", "only [\"BTC-LN\"] is supported");
    }
    Boolean auto = f.bool("autoApproveClaims");
    f.validate();
    StoresHandler.requireLive(pool, storeId)
        .compose(store -> pulls.create(storeId, name == null ? "" : name, sats, currency, Boolean.TRUE.equals(auto)))
        .onSuccess(pp -> Reply.ok(json(pp)).send(ctx)).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_PULL_PAYMENTS, storeId);
    StoresHandler.requireLive(pool, storeId).compose(store -> pulls.list(storeId)).onSuccess(all -> {
      JsonArray out = new JsonArray();
      all.forEach(pp -> out.add(json(pp)));
      Reply.ok(out).send(ctx);
    }).onFailure(ctx::fail);
  }

  void get(RoutingContext ctx) {
    find(ctx).onSuccess(pp -> Reply.ok(json(pp)).send(ctx)).onFailure(ctx::fail);
  }

  void payouts(RoutingContext ctx) {
    find(ctx).compose(pp -> pulls.payouts(pp.id()).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(p -> out.add(json(p, pp.currency())));
      return out;
    })).onSuccess(out -> Reply.ok(out).send(ctx)).onFailure(ctx::fail);
  }

  void claim(RoutingContext ctx) {
    find(ctx).compose(pp -> {
      Fields f = new Fields(JsonBody.object(ctx));
      String destination = f.string("destination", true, 4096);
      if (destination != null && !PayoutDestinations.isWellFormed(destination.strip())) {
        f.error("destination", "must be a BOLT11 invoice, an LNURL or a Lightning address");
      }
      String method = f.string("payoutMethodId", false, 20);
      if (method != null && !method.equals(METHOD)) {
        f.error("payoutMethodId", "only BTC-LN is supported");
      }
      Long sats = sats(f, "amount", pp.currency(), true);
      f.validate();
      return pulls.claim(pp, destination, sats).map(p -> json(p, pp.currency()));
    }).recover(PullPaymentsHandler::mapped).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  void approve(RoutingContext ctx) {
    change(ctx, true);
  }

  void markPaid(RoutingContext ctx) {
    change(ctx, false);
  }

  private void change(RoutingContext ctx, boolean approve) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MANAGE_PAYOUTS, storeId);
    String id = ctx.pathParam("payoutId");
    if (!Ids.looksLikeId(id)) {
      ctx.fail(payoutNotFound());
      return;
    }
    (approve ? pulls.approve(storeId, id) : pulls.markPaid(storeId, id)).compose(p -> {
      if (p != null) {
        return Future.succeededFuture(json(p, "SATS"));
      }
      return pulls.payout(id).map(existing -> {
        if (existing == null || !existing.storeId().equals(storeId)) {
          throw payoutNotFound();
        }
        throw ApiException.badRequest("invalid-state", "The payout is " + existing.state());
      });
    }).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  private Future<PullPayments.PullPayment> find(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.looksLikeId(id)) {
      return Future.failedFuture(pullPaymentNotFound());
    }
    return pulls.find(id).map(pp -> {
      if (pp == null) {
        throw pullPaymentNotFound();
      }
      return pp;
    });
  }

  private static <T> Future<T> mapped(Throwable err) {
    if (err instanceof PullPayments.LimitExceededException e) {
      return Future.failedFuture(ValidationException.of("amount", e.getMessage()));
    }
    if (err instanceof PayoutDestinations.InvalidDestinationException e) {
      return Future.failedFuture(ValidationException.of("destination", e.getMessage()));
    }
    return Future.failedFuture(err);
  }

  /** An amount in BTC (at most 8 decimals) or SATS (whole) as sats; null (with an error) if invalid. */
  static Long sats(Fields f, String name, String currency, boolean required) {
    BigDecimal amount = f.decimal(name);
    if (amount == null) {
      if (required && !f.has(name)) {
        f.error(name, "is required");
      }
      return null;
    }
    BigDecimal sats = currency.equals("BTC") ? amount.movePointRight(8) : amount;
    if (sats.signum() <= 0 || sats.stripTrailingZeros().scale() > 0 || sats.compareTo(BigDecimal.valueOf(2_100_000_000_000_000L)) > 0) {
      f.error(name, "must be a positive amount of whole sats");
      return null;
    }
    return sats.longValueExact();
  }

  static String amount(long sats, String currency) {
    return currency.equals("BTC") ? BigDecimal.valueOf(sats, 8).toPlainString() : Long.toString(sats);
  }

  static JsonObject json(PullPayments.PullPayment pp) {
    return new JsonObject().put("id", pp.id()).put("name", pp.name()).put("currency", pp.currency())
        .put("amount", amount(pp.amountSats(), pp.currency())).put("archived", pp.archived())
        .put("autoApproveClaims", pp.autoApprove()).put("payoutMethods", new JsonArray().add(METHOD))
        .put("startsAt", pp.createdAt().getEpochSecond());
  }

  static JsonObject json(PullPayments.Payout p, String currency) {
    return new JsonObject().put("id", p.id()).put("revision", 0).put("pullPaymentId", p.pullPaymentId())
        .put("date", p.createdAt().getEpochSecond()).put("destination", p.destination())
        .put("amount", amount(p.amountSats(), currency)).put("payoutMethodId", METHOD).put("state", p.state())
        .put("paymentMethodAmount", amount(p.amountSats(), currency)).put("failureReason", p.failureReason());
  }

  private static ApiException pullPaymentNotFound() {
    return ApiException.notFound("pullpayment-not-found", "The pull payment was not found");
  }

  private static ApiException payoutNotFound() {
    return ApiException.notFound("payout-not-found", "The payout was not found");
  }
}
