package me.flashapp.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import me.flashapp.gateway.api.ApiKeyRepository;
import me.flashapp.gateway.api.ApiKeysHandler;
import me.flashapp.gateway.api.ApiRouter;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.BoltCardPages;
import me.flashapp.gateway.api.CardsHandler;
import me.flashapp.gateway.api.DevChainHandler;
import me.flashapp.gateway.api.DevLightningHandler;
import me.flashapp.gateway.api.Health;
import me.flashapp.gateway.api.HttpVerticle;
import me.flashapp.gateway.api.Idempotency;
import me.flashapp.gateway.api.InvoicesHandler;
import me.flashapp.gateway.api.Links;
import me.flashapp.gateway.api.PaymentMethodsHandler;
import me.flashapp.gateway.api.Permission;
import me.flashapp.gateway.api.Policies;
import me.flashapp.gateway.api.StoresHandler;
import me.flashapp.gateway.card.CardIssuer;
import me.flashapp.gateway.card.CardTaps;
import me.flashapp.gateway.card.CardTopups;
import me.flashapp.gateway.chain.ChainModule;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.db.Database;
import me.flashapp.gateway.devnet.BitcoindSimulator;
import me.flashapp.gateway.invoice.InvoiceExpirer;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.InvoiceWriter;
import me.flashapp.gateway.invoice.PaymentMethods;
import me.flashapp.gateway.lightning.Lightning;
import me.flashapp.gateway.lightning.SettleLatency;
import me.flashapp.gateway.money.StaticRateProvider;
import me.flashapp.gateway.settlement.Settlement;
import me.flashapp.gateway.store.StoreCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway: database (migrated before anything listens), domain services, the chain and
 * Lightning listeners, Flash Cards, background workers, HTTP. {@link #start} composes the
 * start-up; {@link #stop} undoes it in reverse order.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long IDEMPOTENCY_PURGE_MILLIS = 3_600_000;

  /** The parts built before HTTP opens; kept for accessors and {@link #stop}. */
  private record Parts(Database database, InvoiceService invoices, InvoiceExpirer expirer, ChainModule chain,
                       Lightning lightning, CardTaps cardTaps, EventsWiring events, long purgeTimer,
                       CardsWiring cardMoney) {}

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GatewayConfig config;
  private final Parts parts;
  private final String httpDeployment;
  private final int httpPort;

  private Gateway(Vertx vertx, boolean ownsVertx, GatewayConfig config, Parts parts, String httpDeployment,
                  int httpPort) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.parts = parts;
    this.httpDeployment = httpDeployment;
    this.httpPort = httpPort;
  }

  /** Starts a gateway on its own Vert.x instance, with Prometheus metrics and the system clock. */
  public static Future<Gateway> start(GatewayConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    return start(vertx, true, config, Clock.systemUTC(), registry)
        .onFailure(err -> vertx.close());
  }

  /** Starts on a given Vert.x with a given clock (tests move time; they never sleep). */
  public static Future<Gateway> start(Vertx vertx, boolean ownsVertx, GatewayConfig config, Clock clock,
                                      PrometheusMeterRegistry registry) {
    LOG.info("starting with {}", config);
    return Database.open(vertx, config.databaseUrl(), config.dataDir(), config.databasePoolSize())
        .compose(db -> bootstrap(db, config, clock)
            .compose(v -> CardIssuer.load(vertx, db.pool(), config.dataDir(), config.cardMasterKey(), clock))
            .compose(cardIssuer -> assemble(vertx, ownsVertx, config, clock, registry, db, cardIssuer))
            .onFailure(err -> db.close(vertx)));
  }

  private static Future<Void> bootstrap(Database db, GatewayConfig config, Clock clock) {
    if (config.bootstrapApiKey() == null) {
      return Future.succeededFuture();
    }
    return ApiKeyRepository.insert(db.pool(), config.bootstrapApiKey(), "bootstrap",
            List.of(new Permission(Policies.UNRESTRICTED, null)), clock.instant())
        .onSuccess(created -> LOG.info(created ? "bootstrap API key created" : "bootstrap API key already present"))
        .mapEmpty();
  }

  private static Future<Gateway> assemble(Vertx vertx, boolean ownsVertx, GatewayConfig config, Clock clock,
                                          PrometheusMeterRegistry registry, Database db, CardIssuer cardIssuer) {
    var pool = db.pool();
    var rates = new StaticRateProvider(config.rates());
    var methods = new PaymentMethods();
    var invoices = new InvoiceService(pool, rates, clock, methods);
    var settlement = new Settlement(pool, invoices, clock);
    var auth = new Auth(pool);
    var idempotency = new Idempotency(pool, clock);
    var links = new Links(config.publicUrl());
    var health = new Health(vertx);
    health.register("database", () -> pool.query("SELECT 1").execute()
        .map(rs -> new JsonObject().put("status", "up").put("embedded", db.embedded())));

    // On-chain: the handler is registered now; the listener connects in startChain.
    var chain = new ChainModule(vertx, config.network(), config.devnetChain(), pool, invoices, clock);
    methods.register(chain.handler());
    health.register("bitcoind", chain::health);
    var devChain = config.devnetChain() ? new DevChainHandler() : null;

    // Lightning starts after the chain (it registers BTC-LN itself); health and dev routes read it late.
    AtomicReference<Lightning> lightning = new AtomicReference<>();
    health.register("lnd", () -> lightning.get() == null
        ? Future.succeededFuture(new JsonObject().put("status", "down").put("error", "starting"))
        : lightning.get().health());

    // Flash Cards: tap-to-pay (the POS hub calls cardTaps()), top-ups credited on settlement, card API and pages.
    var storeCache = new StoreCache(pool);
    var invoicesHandler = new InvoicesHandler(pool, invoices, rates, idempotency, links, storeCache);
    invoices.onSettled(new CardTopups(clock));
    var cardTaps = CardTaps.withLimits(pool, cardIssuer, settlement, clock,
        new CardTaps.Limit(config.cardTapLimitPerCard().burst(), config.cardTapLimitPerCard().perSecond()),
        new CardTaps.Limit(config.cardTapLimitPerClient().burst(), config.cardTapLimitPerClient().perSecond()));
    var cards = new CardsHandler(pool, cardIssuer, invoices, invoicesHandler, idempotency, links, clock);
    var cardPages = new BoltCardPages(pool, cardTaps);
    var cardMoney = new CardsWiring(vertx, config, pool, cardIssuer, cardTaps, settlement, invoices, links, clock);

    // tests start without Prometheus; the timers then still run, unexported
    MeterRegistry meters = registry != null ? registry
        : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    // group commit of new invoices: created / commits = the mean batch
    io.micrometer.core.instrument.FunctionCounter.builder("gateway.invoice.group.commits", invoices.writer(),
        InvoiceWriter::commits).description("transactions that created invoices (grouped)").register(meters);
    io.micrometer.core.instrument.FunctionCounter.builder("gateway.invoice.group.invoices", invoices.writer(),
        InvoiceWriter::invoicesWritten).description("invoices created through the group commit").register(meters);
    // Settlement events: outbox dispatcher, POS hub (WebSocket), webhooks, checkout status.
    var events = new EventsWiring(vertx, config, db, auth, invoicesHandler, links, clock, cardTaps, meters);
    var settleLatency = new SettleLatency(meters);
    events.addListener(settleLatency::published);
    var eventRoutes = events.routes();

    boolean devnet = config.devnetChain() || config.devnetLightning();
    var handlers = new ApiRouter.Handlers(auth, health,
        new ApiKeysHandler(pool, auth, clock),
        new StoresHandler(pool, idempotency, clock, (tx, store) -> devnet
            ? methods.applyDevDefaults(tx, store, clock.instant()) : Future.succeededFuture(), storeCache),
        invoicesHandler,
        new PaymentMethodsHandler(pool, methods, clock),
        registry,
        (Router router) -> {
          eventRoutes.accept(router);
          cards.routes(router);
          cardPages.routes(router);
          cardMoney.routes().accept(router);
          Lightning ln = lightning.get();
          if (ln != null && ln.simulator() != null) {
            new DevLightningHandler(ln.simulator()).routes(router);
          }
        },
        devChain);

    var expirer = new InvoiceExpirer(vertx, pool, invoices);
    expirer.start(config.expirySweepMillis());
    long purgeTimer = vertx.setPeriodic(IDEMPOTENCY_PURGE_MILLIS, id -> idempotency.purgeExpired()
        .onFailure(err -> LOG.warn("idempotency purge failed: {}", err.toString())));

    Runnable undo = () -> {
      expirer.stop();
      vertx.cancelTimer(purgeTimer);
      cardMoney.stop();
      chain.stop();
    };
    return startChain(vertx, config, chain, devChain)
        .compose(v -> Lightning.start(vertx, config, pool, invoices, methods, clock, settleLatency,
            events.dispatcher()))
        .compose(ln -> events.start().map(ln))
        .compose(ln -> cardMoney.start(ln).map(ln))
        .compose(ln -> {
          lightning.set(ln);
          Parts parts = new Parts(db, invoices, expirer, chain, ln, cardTaps, events, purgeTimer, cardMoney);
          return deployHttp(vertx, config, handlers).map(d -> {
            LOG.info("listening on http://{}:{} ({} network)", config.httpHost(), d.port, config.network().id());
            return new Gateway(vertx, ownsVertx, config, parts, d.id, d.port);
          }).onFailure(err -> vertx.executeBlocking(() -> {
            ln.stop();
            return null;
          }));
        })
        .onFailure(err -> {
          undo.run();
          events.stop();
        });
  }

  /** Connects the chain listener to bitcoind, or in devnet mode to a simulator started here. */
  private static Future<Void> startChain(Vertx vertx, GatewayConfig config, ChainModule chain, DevChainHandler dev) {
    if (!config.devnetChain()) {
      return chain.start(new ChainModule.Endpoints(config.bitcoindRpcUrl(), config.bitcoindRpcUser(),
          config.bitcoindRpcPassword(), config.bitcoindRpcCookieFile(), config.bitcoindZmqRawtx(),
          config.bitcoindZmqRawblock(), config.bitcoindZmqSequence()));
    }
    return BitcoindSimulator.start(vertx).compose(sim -> {
      dev.attach(sim);
      chain.closeWith(sim::close);
      String zmq = sim.zmqEndpoint();
      return chain.start(new ChainModule.Endpoints(sim.rpcUrl(), BitcoindSimulator.RPC_USER,
          BitcoindSimulator.RPC_PASSWORD, null, zmq, zmq, zmq));
    });
  }

  private record Deployment(String id, int port) {}

  /**
   * Deploys one HTTP verticle per configured instance, all on one port (Vert.x balances
   * connections over them). Port 0 (tests) means a free port chosen here, since instances can
   * only share a port they all name.
   */
  private static Future<Deployment> deployHttp(Vertx vertx, GatewayConfig config, ApiRouter.Handlers handlers) {
    int port;
    try {
      port = config.httpPort() != 0 ? config.httpPort() : freePort();
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(() -> new HttpVerticle(config.httpHost(), port, config.shutdownGraceMillis(), handlers),
            new DeploymentOptions().setInstances(config.httpInstances()))
        .map(id -> new Deployment(id, port));
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public Vertx vertx() {
    return vertx;
  }

  public GatewayConfig config() {
    return config;
  }

  public Database database() {
    return parts.database();
  }

  public InvoiceService invoices() {
    return parts.invoices();
  }

  public InvoiceExpirer expirer() {
    return parts.expirer();
  }

  public Lightning lightning() {
    return parts.lightning();
  }

  /** The event dispatcher, POS hub and webhook sender. */
  public EventsWiring events() {
    return parts.events();
  }

  /** Tap-to-pay with Flash Cards (for the POS hub's cardPayment message). */
  public CardTaps cardTaps() {
    return parts.cardTaps();
  }

  /**
   * Graceful stop: stop accepting and let in-flight requests finish, stop the listeners and
   * background work, close the pool, stop the embedded database, close Vert.x if we own it.
   */
  public Future<Void> stop() {
    LOG.info("stopping");
    parts.expirer().stop();
    vertx.cancelTimer(parts.purgeTimer());
    parts.cardMoney().stop();
    parts.chain().stop();
    // A context-free promise: its listeners must still run after Vert.x's event loops are gone.
    Promise<Void> stopped = Promise.promise();
    vertx.undeploy(httpDeployment)
        .eventually(() -> vertx.executeBlocking(() -> {
          parts.lightning().stop(); // closing gRPC channels and the simulator may block briefly
          return null;
        }))
        .eventually(() -> parts.events().stop())
        .eventually(() -> parts.database().close(vertx))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("stop: {}", ar.cause().toString());
          }
          if (ownsVertx) {
            vertx.close().onComplete(c -> stopped.complete());
          } else {
            stopped.complete();
          }
        });
    return stopped.future().onComplete(ar -> LOG.info("stopped"));
  }
}
