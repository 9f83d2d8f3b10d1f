package me.flashapp.gateway;

import io.vertx.core.Future;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.InvoicesHandler;
import me.flashapp.gateway.api.Links;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.db.Database;
import me.flashapp.gateway.events.EventDispatcher;
import me.flashapp.gateway.events.PublishedEvent;
import me.flashapp.gateway.pos.CheckoutStatus;
import me.flashapp.gateway.pos.PosCardPayments;
import me.flashapp.gateway.pos.PosHub;
import me.flashapp.gateway.pos.PosRoutes;
import me.flashapp.gateway.pos.PosSocket;
import me.flashapp.gateway.webhook.WebhookQueue;
import me.flashapp.gateway.webhook.WebhookSender;
import me.flashapp.gateway.webhook.WebhooksHandler;

/**
 * Settlement events, wired in one place so {@link Gateway} only creates, starts and stops it: the
 * outbox dispatcher, this node's POS hub, and their routes.
 */
public final class EventsWiring {
  /** Slow safety-net poll of the outbox; the wake-up after each commit (Outbox) does the real-time work. */
  static final long POLL_MILLIS = 5_000;
  private final Vertx vertx;
  private final EventDispatcher dispatcher;
  private final PosHub hub;
  private final PosSocket.Deps posDeps;
  private final Links links;
  private final WebhookSender webhooks;
  private final WebhooksHandler webhooksHandler;
  private final CheckoutStatus checkout;

  EventsWiring(Vertx vertx, GatewayConfig config, Database db, Auth auth, InvoicesHandler invoices, Links links,
               Clock clock, CardTaps cardTaps, MeterRegistry meters) {
    this.vertx = vertx;
    Pool pool = db.pool();
    this.links = links;
    this.hub = new PosHub(meters);
    this.dispatcher = new EventDispatcher(vertx, db.publisherPool(), db.parts(), POLL_MILLIS);
    this.posDeps = new PosSocket.Deps(hub, auth, pool, invoices::create, config.posMaxQueue(), config.posPingMillis(),
        cardTaps == null ? null : new PosCardPayments(cardTaps, meters));
    dispatcher.addListener(hub);
    this.webhooks = new WebhookSender(vertx, pool, clock, config.webhookRetrySchedule());
    this.webhooksHandler = new WebhooksHandler(pool, clock, config.webhookAllowPrivateUrls(), webhooks);
    // deliveries are enqueued in the numbering transaction, sent after its commit
    // (and the sender woken once they are committed; its poll finds any other node's)
    dispatcher.addHook(new WebhookQueue(clock, webhooks::wake));
    this.checkout = new CheckoutStatus(vertx, pool, hub);
  }

  /** Another consumer of published events (after the POS hub and the webhook sender). */
  void addListener(Consumer<List<PublishedEvent>> listener) {
    dispatcher.addListener(listener);
  }

  /** Routes to add to every HTTP verticle's router. */
  Consumer<Router> routes() {
    return router -> {
      PosRoutes.mount(vertx, router, links, posDeps);
      webhooksHandler.mount(router);
      checkout.mount(router);
    };
  }

  Future<Void> start() {
    return webhooks.start().compose(v -> dispatcher.start());
  }

  Future<Void> stop() {
    return dispatcher.stop().eventually(webhooks::stop);
  }

  public EventDispatcher dispatcher() {
    return dispatcher;
  }
}
