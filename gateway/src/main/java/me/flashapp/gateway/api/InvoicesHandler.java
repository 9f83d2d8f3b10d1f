package me.flashapp.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceQuery;
import me.flashapp.gateway.invoice.InvoiceRepository;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.invoice.NewInvoice;
import me.flashapp.gateway.invoice.SpeedPolicy;
import me.flashapp.gateway.lightning.LightningPaymentHandler;
import me.flashapp.gateway.money.Currencies;
import me.flashapp.gateway.money.Pricing;
import me.flashapp.gateway.money.RateProvider;
import me.flashapp.gateway.store.Store;
import me.flashapp.gateway.store.StoreCache;
import me.flashapp.gateway.store.StoreRepository;

/** {@code /api/v1/stores/{storeId}/invoices} and {@code /api/v1/invoices/{invoiceId}} (Greenfield). */
public final class InvoicesHandler {
  static final int MAX_TAKE = 1000;
  static final int DEFAULT_TAKE = 100;

  private final Pool pool;
  private final InvoiceService invoices;
  private final RateProvider rates;
  private final Idempotency idempotency;
  private final Links links;
  private final StoreCache stores;

  public InvoicesHandler(Pool pool, InvoiceService invoices, RateProvider rates, Idempotency idempotency, Links links,
                         StoreCache stores) {
    this.pool = pool;
    this.stores = stores;
    this.invoices = invoices;
    this.rates = rates;
    this.idempotency = idempotency;
    this.links = links;
  }

  public void create(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_CREATE_INVOICE, storeId);
    ObjectNode body = JsonBody.object(ctx);
    // cached: one query less per invoice (PUT/DELETE of the store invalidates it on this node)
    stores.find(storeId).compose(store -> {
      if (store == null) {
        throw ApiException.storeNotFound();
      }
      NewInvoice req = readNew(body, store);
      if (!Idempotency.requested(ctx)) {
        // committed together with the invoices created at the same time (group commit)
        return invoices.create(store, req).map(inv -> Reply.ok(InvoiceJson.encode(inv, links.checkout(ctx, inv.id()))));
      }
      // payment methods (address, node invoice) are prepared before the transaction, unless the
      // request is a retry whose Idempotency-Key already holds the answer
      return idempotency.run(ctx, () -> invoices.prepare(store, req), (tx, draft) -> invoices.insert(tx, draft)
          .map(inv -> Reply.ok(InvoiceJson.encode(inv, links.checkout(ctx, inv.id())))));
    }).onSuccess(r -> r.send(ctx)).onFailure(ctx::fail);
  }

  /**
   * Validates and creates an invoice in its own transaction, as {@link #create} does, for callers
   * outside HTTP (the POS WebSocket's createInvoice). Yields the invoice in the Greenfield JSON.
   */
  public Future<String> create(ApiKey key, String storeId, ObjectNode body, String baseUrl) {
    key.require(Policies.STORE_CREATE_INVOICE, storeId);
    return stores.find(storeId).compose(store -> {
      if (store == null) {
        throw ApiException.storeNotFound();
      }
      NewInvoice req = readNew(body, store);
      return invoices.create(store, req);
    }).map(inv -> InvoiceJson.encode(inv, baseUrl + "/i/" + inv.id()));
  }

  public void list(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_INVOICES, storeId);
    InvoiceQuery q = readQuery(ctx, storeId);
    StoreRepository.find(pool, storeId).compose(store -> {
      if (store == null) {
        throw ApiException.storeNotFound();
      }
      return InvoiceRepository.list(pool, q);
    }).onSuccess(list -> Reply.ok(InvoiceJson.encodeList(list, links.base(ctx))).send(ctx)).onFailure(ctx::fail);
  }

  public void get(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_INVOICES, storeId);
    findInStore(storeId, ctx.pathParam("invoiceId")).onSuccess(inv -> send(ctx, inv)).onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/invoices/{id}}: an invoice the key may view, whatever its store. */
  public void getAnyStore(RoutingContext ctx) {
    ApiKey key = Auth.key(ctx);
    String id = ctx.pathParam("invoiceId");
    if (!Ids.looksLikeId(id)) {
      throw ApiException.invoiceNotFound();
    }
    InvoiceRepository.findLive(pool, id).onSuccess(inv -> {
      if (inv == null || !key.can(Policies.STORE_VIEW_INVOICES, inv.storeId())) {
        ctx.fail(ApiException.invoiceNotFound());
      } else {
        send(ctx, inv);
      }
    }).onFailure(ctx::fail);
  }

  /** PUT: replaces the metadata (the one mutable part of an invoice in Greenfield). */
  public void update(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_INVOICES, storeId);
    Fields f = new Fields(JsonBody.object(ctx));
    ObjectNode metadata = f.object("metadata");
    if (metadata == null && !f.hasErrors()) {
      f.error("metadata", "is required");
    }
    checkMetadata(f, metadata);
    f.validate();
    String json = metadata.toString();
    findInStore(storeId, ctx.pathParam("invoiceId"))
        .compose(inv -> InvoiceRepository.updateMetadata(pool, inv.id(), json).compose(v -> InvoiceRepository.find(pool, inv.id())))
        .onSuccess(inv -> send(ctx, inv)).onFailure(ctx::fail);
  }

  /** DELETE archives: the invoice leaves the default list but is never erased. */
  public void archive(RoutingContext ctx) {
    setArchived(ctx, true, false);
  }

  public void unarchive(RoutingContext ctx) {
    setArchived(ctx, false, true);
  }

  private void setArchived(RoutingContext ctx, boolean archived, boolean respondWithInvoice) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_INVOICES, storeId);
    findInStore(storeId, ctx.pathParam("invoiceId"))
        .compose(inv -> InvoiceRepository.setArchived(pool, inv.id(), archived).compose(v -> InvoiceRepository.find(pool, inv.id())))
        .onSuccess(inv -> {
          if (respondWithInvoice) {
            send(ctx, inv);
          } else {
            ctx.response().setStatusCode(200).end();
          }
        }).onFailure(ctx::fail);
  }

  /** {@code POST .../status {status: Settled|Invalid}}: manual marking (additionalStatus Marked). */
  public void markStatus(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_INVOICES, storeId);
    Fields f = new Fields(JsonBody.object(ctx));
    String status = f.string("status", true, 20);
    if (status != null && !status.equals("Settled") && !status.equals("Invalid")) {
      f.error("status", "must be Settled or Invalid");
    }
    f.validate();
    InvoiceStatus target = InvoiceStatus.valueOf(status);
    findInStore(storeId, ctx.pathParam("invoiceId"))
        .compose(inv -> invoices.mark(inv.id(), target).recover(err -> {
          if (err instanceof IllegalStateException) {
            return Future.failedFuture(ApiException.badRequest("invoice-status-change-not-allowed", err.getMessage()));
          }
          return Future.failedFuture(err);
        }))
        .onSuccess(inv -> send(ctx, inv)).onFailure(ctx::fail);
  }

  private Future<Invoice> findInStore(String storeId, String invoiceId) {
    if (!Ids.looksLikeId(invoiceId)) {
      return Future.failedFuture(ApiException.invoiceNotFound());
    }
    return InvoiceRepository.findLive(pool, invoiceId).map(inv -> {
      if (inv == null || !inv.storeId().equals(storeId)) {
        throw ApiException.invoiceNotFound();
      }
      return inv;
    });
  }

  private void send(RoutingContext ctx, Invoice inv) {
    Reply.ok(InvoiceJson.encode(inv, links.checkout(ctx, inv.id()))).send(ctx);
  }

  /** Validates a create request against the store's settings and the rate table. */
  NewInvoice readNew(ObjectNode body, Store store) {
    Fields f = new Fields(body);
    BigDecimal amount = f.decimal("amount");
    String currencyText = f.string("currency", false, 10);
    String currency = currencyText == null ? store.defaultCurrency() : Currencies.normalize(currencyText).orElse(null);
    if (currency == null) {
      f.error("currency", "unknown currency '" + currencyText + "'");
    } else if (!Currencies.isBitcoin(currency) && rates.btcPrice(currency).isEmpty()) {
      f.error("currency", "no exchange rate is configured for " + currency);
    }
    if (amount != null) {
      if (amount.signum() <= 0) {
        f.error("amount", "must be greater than zero (omit it for a top-up invoice)");
      } else if (amount.precision() - amount.scale() > 20) {
        f.error("amount", "is too large");
      } else if (currency != null && amount.stripTrailingZeros().scale() > Currencies.scale(currency)) {
        f.error("amount", currency + " amounts have at most " + Currencies.scale(currency) + " decimal places");
      } else if (currency != null && (Currencies.isBitcoin(currency) || rates.btcPrice(currency).isPresent())) {
        BigDecimal rate = Currencies.isBitcoin(currency) ? Pricing.bitcoinRate(currency) : rates.btcPrice(currency).get();
        try {
          Pricing.toSats(amount, currency, rate);
        } catch (ArithmeticException e) {
          f.error("amount", "exceeds the 21,000,000 BTC supply");
        }
      }
    }
    ObjectNode metadata = f.object("metadata");
    checkMetadata(f, metadata);
    Fields checkout = f.nested("checkout");
    SpeedPolicy speed = checkout.enumValue("speedPolicy", SpeedPolicy.class);
    Long expirationMinutes = checkout.integer("expirationMinutes", 1, StoresHandler.MAX_EXPIRATION / 60);
    Long monitoringMinutes = checkout.integer("monitoringMinutes", 0, StoresHandler.MAX_EXPIRATION / 60);
    BigDecimal tolerance = checkout.decimal("paymentTolerance");
    if (tolerance != null && (tolerance.signum() < 0 || tolerance.compareTo(BigDecimal.valueOf(100)) > 0
        || tolerance.stripTrailingZeros().scale() > 2)) {
      checkout.error("paymentTolerance", "must be a percentage between 0 and 100 with at most 2 decimals");
    }
    String redirect = checkout.string("redirectURL", false, 2000);
    if (redirect != null && !redirect.matches("https?://\\S+")) {
      checkout.error("redirectURL", "must be an http(s) URL");
    }
    Boolean redirectAutomatically = checkout.bool("redirectAutomatically");
    String defaultMethod = checkout.string("defaultPaymentMethod", false, 50);
    f.validate();
    return new NewInvoice(amount, currency, metadata == null ? "{}" : metadata.toString(), speed,
        expirationMinutes == null ? null : Math.toIntExact(expirationMinutes * 60),
        monitoringMinutes == null ? null : Math.toIntExact(monitoringMinutes * 60),
        tolerance, redirect, redirectAutomatically, defaultMethod);
  }

  private static void checkMetadata(Fields f, ObjectNode metadata) {
    if (metadata != null && metadata.has("orderId") && !metadata.get("orderId").isNull()
        && (!metadata.get("orderId").isTextual() || metadata.get("orderId").textValue().length() > 200)) {
      f.error("metadata.orderId", "must be a string of at most 200 characters");
    }
    String lnurl = LightningPaymentHandler.LNURL_METADATA;
    if (metadata != null && metadata.has(lnurl) && !metadata.get(lnurl).isNull() && !metadata.get(lnurl).isTextual()) {
      f.error("metadata." + lnurl, "must be a string (the LNURL-pay metadata the BOLT11 commits to)");
    }
  }

  private static InvoiceQuery readQuery(RoutingContext ctx, String storeId) {
    List<ValidationException.FieldError> errors = new ArrayList<>();
    List<InvoiceStatus> statuses = new ArrayList<>();
    for (String s : ctx.queryParam("status")) {
      try {
        statuses.add(InvoiceStatus.valueOf(s));
      } catch (IllegalArgumentException e) {
        errors.add(new ValidationException.FieldError("status", "unknown status '" + s + "'"));
      }
    }
    List<String> orderIds = ctx.queryParam("orderId");
    Instant start = epoch(ctx, "startDate", errors);
    Instant end = epoch(ctx, "endDate", errors);
    long skip = number(ctx, "skip", 0, 0, Integer.MAX_VALUE, errors);
    long take = number(ctx, "take", DEFAULT_TAKE, 1, MAX_TAKE, errors);
    String archived = ctx.request().getParam("includeArchived");
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      errors.add(new ValidationException.FieldError("includeArchived", "must be true or false"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new InvoiceQuery(storeId, statuses, orderIds, start, end, "true".equals(archived), (int) skip, (int) take);
  }

  private static Instant epoch(RoutingContext ctx, String name, List<ValidationException.FieldError> errors) {
    String s = ctx.request().getParam(name);
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0 || v > 253402300799L) {
        throw new NumberFormatException();
      }
      return Instant.ofEpochSecond(v);
    } catch (NumberFormatException e) {
      errors.add(new ValidationException.FieldError(name, "must be unix time in seconds"));
      return null;
    }
  }

  private static long number(RoutingContext ctx, String name, long dflt, long min, long max,
                             List<ValidationException.FieldError> errors) {
    String s = ctx.request().getParam(name);
    if (s == null) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      errors.add(new ValidationException.FieldError(name, "must be a whole number from " + min + " to " + max));
      return dflt;
    }
  }
}
