package me.flashapp.gateway.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;

/** Binds every HTTP route to its handler. One router per HTTP verticle instance; handlers are shared. */
public final class ApiRouter {
  /** Bodies above this are refused with 413 before they are buffered whole. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  private ApiRouter() {}

  /** Everything the routes need, built once by the gateway. */
  public record Handlers(Auth auth, Health health, ApiKeysHandler apiKeys, StoresHandler stores,
                         InvoicesHandler invoices, PaymentMethodsHandler paymentMethods,
                         PrometheusMeterRegistry metrics,
                         Consumer<Router> extraRoutes,
                         DevChainHandler devChain) {}

  public static Router create(Vertx vertx, Handlers h) {
    Router router = Router.router(vertx);
    router.route().handler(RequestLog::handle);
    // Only methods that carry a body: a GET sent with a form content type would otherwise make the
    // body handler try to decode a multipart body and fail the request with a 500.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    // (A method-restricted route would turn unknown paths into 405s, so the check is inside.)
    router.route().handler(ctx -> {
      HttpMethod m = ctx.request().method();
      if (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE) {
        body.handle(ctx);
      } else {
        ctx.next();
      }
    });

    router.get("/api/v1/health").handler(h.health()::handle);
    if (h.metrics() != null) {
      router.get("/metrics").handler(new MetricsScrape(h.metrics()));
    }

    router.route("/api/v1/*").handler(h.auth()::handle);

    router.post("/api/v1/api-keys").handler(h.apiKeys()::create);
    router.get("/api/v1/api-keys/current").handler(h.apiKeys()::current);
    router.delete("/api/v1/api-keys/current").handler(h.apiKeys()::revokeCurrent);
    router.delete("/api/v1/api-keys/:apikey").handler(h.apiKeys()::revoke);

    router.post("/api/v1/stores").handler(h.stores()::create);
    router.get("/api/v1/stores").handler(h.stores()::list);
    router.get("/api/v1/stores/:storeId").handler(h.stores()::get);
    router.put("/api/v1/stores/:storeId").handler(h.stores()::update);
    router.delete("/api/v1/stores/:storeId").handler(h.stores()::delete);

    router.post("/api/v1/stores/:storeId/invoices").handler(h.invoices()::create);
    router.get("/api/v1/stores/:storeId/invoices").handler(h.invoices()::list);
    router.get("/api/v1/stores/:storeId/invoices/:invoiceId").handler(h.invoices()::get);
    router.put("/api/v1/stores/:storeId/invoices/:invoiceId").handler(h.invoices()::update);
    router.delete("/api/v1/stores/:storeId/invoices/:invoiceId").handler(h.invoices()::archive);
    router.post("/api/v1/stores/:storeId/invoices/:invoiceId/unarchive").handler(h.invoices()::unarchive);
    router.post("/api/v1/stores/:storeId/invoices/:invoiceId/status").handler(h.invoices()::markStatus);
    router.get("/api/v1/stores/:storeId/invoices/:invoiceId/payment-methods").handler(h.paymentMethods()::invoiceMethods);
    router.get("/api/v1/invoices/:invoiceId").handler(h.invoices()::getAnyStore);

    router.get("/api/v1/stores/:storeId/payment-methods").handler(h.paymentMethods()::list);
    router.get("/api/v1/stores/:storeId/payment-methods/:methodId").handler(h.paymentMethods()::get);
    router.put("/api/v1/stores/:storeId/payment-methods/:methodId").handler(h.paymentMethods()::put);
    router.delete("/api/v1/stores/:storeId/payment-methods/:methodId").handler(h.paymentMethods()::delete);

    if (h.devChain() != null) { // devnet only: drives the bitcoind simulator
      router.post("/api/v1/dev/chain/send").handler(h.devChain()::send);
      router.post("/api/v1/dev/chain/mine").handler(h.devChain()::mine);
      router.post("/api/v1/dev/chain/reorg").handler(h.devChain()::reorg);
    }

    if (h.extraRoutes() != null) {
      h.extraRoutes().accept(router);
    }

    router.route().failureHandler(ErrorHandler::handle);
    router.errorHandler(404, ErrorHandler::handle);
    router.errorHandler(405, ErrorHandler::handle);
    return router;
  }
}
