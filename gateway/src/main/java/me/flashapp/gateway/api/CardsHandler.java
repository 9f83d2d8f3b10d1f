package me.flashapp.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import me.flashapp.gateway.card.BoltCardKeys;
import me.flashapp.gateway.card.Card;
import me.flashapp.gateway.card.CardIssuer;
import me.flashapp.gateway.card.CardPin;
import me.flashapp.gateway.card.CardRepository;
import me.flashapp.gateway.db.Ids;
import me.flashapp.gateway.db.SqlErrors;
import me.flashapp.gateway.db.Transactions;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.NewInvoice;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.Ledger;
import me.flashapp.gateway.store.StoreRepository;

/**
 * {@code /api/v1/stores/{storeId}/cards}: issue, list, read, update, retire Flash Cards, their
 * history and top-ups. Keys leave the server twice only: when a card is issued (to program it)
 * and when it is retired (to wipe it).
 */
public final class CardsHandler {
  static final long MAX_SATS = 2_100_000_000_000_000L;
  static final long DEFAULT_PER_TX = 100_000;
  static final long DEFAULT_DAILY = 500_000;

  private final Pool pool;
  private final CardIssuer issuer;
  private final InvoiceService invoices;
  private final InvoicesHandler invoicesHandler;
  private final Idempotency idempotency;
  private final Links links;
  private final Clock clock;

  public CardsHandler(Pool pool, CardIssuer issuer, InvoiceService invoices, InvoicesHandler invoicesHandler,
                      Idempotency idempotency, Links links, Clock clock) {
    this.pool = pool;
    this.issuer = issuer;
    this.invoices = invoices;
    this.invoicesHandler = invoicesHandler;
    this.idempotency = idempotency;
    this.links = links;
    this.clock = clock;
  }

  /** Binds the card routes (given to {@link ApiRouter.Handlers#extraRoutes()}). */
  public void routes(Router router) {
    router.post("/api/v1/stores/:storeId/cards").handler(this::create);
    router.get("/api/v1/stores/:storeId/cards").handler(this::list);
    router.get("/api/v1/stores/:storeId/cards/:cardId").handler(this::get);
    router.put("/api/v1/stores/:storeId/cards/:cardId").handler(this::update);
    router.delete("/api/v1/stores/:storeId/cards/:cardId").handler(this::retire);
    router.get("/api/v1/stores/:storeId/cards/:cardId/transactions").handler(this::transactions);
    router.post("/api/v1/stores/:storeId/cards/:cardId/topups").handler(this::topup);
  }

  public void create(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, storeId);
    Fields f = new Fields(JsonBody.object(ctx));
    String uid = f.string("uid", true, 14);
    if (uid != null && !uid.matches("[0-9a-fA-F]{14}")) {
      f.error("uid", "must be 7 bytes as 14 hex characters");
    }
    Card draft = readSettings(f, new Card(Ids.random(22), storeId, uid == null ? null : uid.toLowerCase(Locale.ROOT),
        1, "", true, 0, DEFAULT_PER_TX, DEFAULT_DAILY, null, null, null, clock.instant(), null));
    StoreRepository.find(pool, storeId).compose(store -> {
      if (store == null) {
        throw ApiException.storeNotFound();
      }
      return idempotency.run(ctx, tx -> CardRepository.nextVersion(tx, draft.uid()).compose(version -> {
        Card card = withVersion(draft, version);
        return CardRepository.insert(tx, card).map(v -> Reply.ok(withKeys(json(ctx, card, 0), card)));
      }));
    }).recover(err -> Future.failedFuture(SqlErrors.isUniqueViolation(err)
            ? new ApiException(409, "card-uid-exists", "A card with this UID is already active") : err))
        .onSuccess(r -> r.send(ctx)).onFailure(ctx::fail);
  }

  public void list(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    StoreRepository.find(pool, storeId).compose(store -> {
      if (store == null) {
        throw ApiException.storeNotFound();
      }
      return CardRepository.list(pool, storeId);
    }).onSuccess(cards -> {
      JsonArray out = new JsonArray();
      cards.forEach(c -> out.add(json(ctx, c.card(), c.balance())));
      Reply.ok(out).send(ctx);
    }).onFailure(ctx::fail);
  }

  public void get(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    findInStore(storeId, ctx.pathParam("cardId")).compose(card -> Ledger.balance(pool, Accounts.card(card.id()))
        .map(balance -> json(ctx, card, balance))).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  /** PUT: label, enabled, limits, pinAbove, pin; absent fields keep their value. */
  public void update(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, storeId);
    ObjectNode body = JsonBody.object(ctx);
    Transactions.run(pool, tx -> findInStore(storeId, ctx.pathParam("cardId")).compose(current -> {
      Fields f = new Fields(body);
      Boolean enabled = f.bool("enabled");
      Card read = readSettings(f, current);
      Card updated = enabled == null ? read : new Card(read.id(), read.storeId(), read.uid(), read.version(),
          read.label(), enabled, read.counter(), read.limitPerTx(), read.limitDaily(), read.pinAbove(), read.pinHash(),
          read.pinSalt(), read.createdAt(), read.retiredAt());
      return CardRepository.update(tx, updated)
          .compose(v -> Ledger.balance(tx, Accounts.card(updated.id())))
          .map(balance -> json(ctx, updated, balance));
    })).onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  /** DELETE retires the card: it stops paying, and the answer holds the keys to wipe it. */
  public void retire(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_MODIFY_SETTINGS, storeId);
    Transactions.run(pool, tx -> findInStore(storeId, ctx.pathParam("cardId")).compose(card ->
        CardRepository.retire(tx, card.id(), clock.instant()).compose(v -> Ledger.balance(tx, Accounts.card(card.id())))
            .map(balance -> withKeys(json(ctx, card, balance), card)
                .put("retired", true).put("nextVersion", card.version() + 1))))
        .onSuccess(j -> Reply.ok(j).send(ctx)).onFailure(ctx::fail);
  }

  public void transactions(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_VIEW_SETTINGS, storeId);
    findInStore(storeId, ctx.pathParam("cardId"))
        .compose(card -> Ledger.history(pool, Accounts.card(card.id()), 100))
        .onSuccess(entries -> {
          JsonArray out = new JsonArray();
          entries.forEach(e -> out.add(new JsonObject().put("id", e.journalId()).put("type", e.kind())
              .put("amount", e.sats()).put("invoiceId", e.invoiceId()).put("createdTime", e.at().getEpochSecond())));
          Reply.ok(out).send(ctx);
        }).onFailure(ctx::fail);
  }

  /** POST .../topups {amount, currency}: an ordinary invoice whose settlement credits the card. */
  public void topup(RoutingContext ctx) {
    String storeId = StoresHandler.storeId(ctx);
    Auth.key(ctx).require(Policies.STORE_CREATE_INVOICE, storeId);
    ObjectNode body = JsonBody.object(ctx);
    findInStore(storeId, ctx.pathParam("cardId")).compose(card -> StoreRepository.find(pool, storeId).compose(store -> {
      NewInvoice req = invoicesHandler.readNew(body, store);
      return idempotency.run(ctx, () -> invoices.prepare(store, req), (tx, draft) -> invoices.insert(tx, draft)
          .compose(inv -> CardRepository.insertTopup(tx, inv.id(), card.id(), clock.instant())
              .map(v -> Reply.ok(InvoiceJson.encode(inv, links.checkout(ctx, inv.id()))))));
    })).onSuccess(r -> r.send(ctx)).onFailure(ctx::fail);
  }

  private Future<Card> findInStore(String storeId, String cardId) {
    if (!Ids.looksLikeId(cardId)) {
      return Future.failedFuture(cardNotFound());
    }
    return CardRepository.find(pool, cardId).map(card -> {
      if (card == null || !card.storeId().equals(storeId)) {
        throw cardNotFound();
      }
      return card;
    });
  }

  private static ApiException cardNotFound() {
    return ApiException.notFound("card-not-found", "The card was not found");
  }

  /** Reads label, limits, pinAbove and pin over {@code current}; throws the 422 if anything is wrong. */
  private static Card readSettings(Fields f, Card current) {
    String label = f.string("label", false, 100);
    Fields limits = f.nested("limits");
    Long perTx = limits.integer("perTransaction", 1, MAX_SATS);
    Long daily = limits.integer("daily", 1, MAX_SATS);
    Long pinAbove = f.integer("pinAbove", 0, MAX_SATS);
    String pin = f.string("pin", false, 8);
    if (pin != null && !CardPin.isWellFormed(pin)) {
      f.error("pin", "must be 4 to 8 digits");
    }
    Long newPinAbove = f.has("pinAbove") ? pinAbove : current.pinAbove();
    if (newPinAbove != null && pin == null && !current.pinSet()) {
      f.error("pin", "is required when pinAbove is set");
    }
    f.validate();
    byte[] salt = pin == null ? current.pinSalt() : CardPin.newSalt();
    byte[] hash = pin == null ? current.pinHash() : CardPin.hash(salt, pin);
    return new Card(current.id(), current.storeId(), current.uid(), current.version(),
        label == null ? current.label() : label.trim(), current.enabled(), current.counter(),
        perTx == null ? current.limitPerTx() : perTx, daily == null ? current.limitDaily() : daily, newPinAbove,
        hash, salt, current.createdAt(), current.retiredAt());
  }

  private static Card withVersion(Card c, int version) {
    return new Card(c.id(), c.storeId(), c.uid(), version, c.label(), c.enabled(), c.counter(), c.limitPerTx(),
        c.limitDaily(), c.pinAbove(), c.pinHash(), c.pinSalt(), c.createdAt(), c.retiredAt());
  }

  private JsonObject json(RoutingContext ctx, Card c, long balance) {
    JsonObject limits = new JsonObject().put("perTransaction", c.limitPerTx()).put("daily", c.limitDaily());
    return new JsonObject().put("id", c.id()).put("uid", c.uid()).put("label", c.label()).put("version", c.version())
        .put("enabled", c.enabled()).put("lnurlw", lnurlw(ctx)).put("limits", limits).put("pinAbove", c.pinAbove())
        .put("pinSet", c.pinSet()).put("balance", balance).put("createdTime", c.createdAt().getEpochSecond());
  }

  private JsonObject withKeys(JsonObject json, Card c) {
    BoltCardKeys keys = issuer.keys(c.uidBytes(), c.version());
    HexFormat hex = HexFormat.of();
    return json.put("k0", hex.formatHex(keys.k0())).put("k1", hex.formatHex(keys.k1()))
        .put("k2", hex.formatHex(keys.k2())).put("k3", hex.formatHex(keys.k3())).put("k4", hex.formatHex(keys.k4()));
  }

  /** The base URL a card is programmed with; the card appends {@code ?p=..&c=..} on every tap. */
  private String lnurlw(RoutingContext ctx) {
    String base = links.base(ctx);
    return "lnurlw://" + base.substring(base.indexOf("://") + 3) + "/boltcard";
  }
}
