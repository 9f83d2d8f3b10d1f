package me.flashapp.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.List;
import me.flashapp.gateway.api.ApiKeyRepository;
import me.flashapp.gateway.api.ApiKeysHandler;
import me.flashapp.gateway.api.ApiRouter;
import me.flashapp.gateway.api.Auth;
import me.flashapp.gateway.api.Health;
import me.flashapp.gateway.api.HttpVerticle;
import me.flashapp.gateway.api.Idempotency;
import me.flashapp.gateway.api.InvoicesHandler;
import me.flashapp.gateway.api.Links;
import me.flashapp.gateway.api.Permission;
import me.flashapp.gateway.api.PaymentMethodsHandler;
import me.flashapp.gateway.api.Policies;
import me.flashapp.gateway.api.StoresHandler;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.db.Database;
import me.flashapp.gateway.invoice.InvoiceExpirer;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.PaymentMethods;
import me.flashapp.gateway.money.StaticRateProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway: database (migrated before anything listens), services, background workers,
 * HTTP. {@link #start} composes the start-up; {@link #stop} undoes it in reverse order.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GatewayConfig config;
  private final Database database;
  private final InvoiceExpirer expirer;
  private final String httpDeployment;
  private final int httpPort;
  private final InvoiceService invoices;
  private EventsWiring events; // settlement events (events branch); set once by assemble

  private Gateway(Vertx vertx, boolean ownsVertx, GatewayConfig config, Database database, InvoiceExpirer expirer,
                  String httpDeployment, int httpPort, InvoiceService invoices) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.database = database;
    this.expirer = expirer;
    this.httpDeployment = httpDeployment;
    this.httpPort = httpPort;
    this.invoices = invoices;
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
            .compose(v -> assemble(vertx, ownsVertx, config, clock, registry, db))
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
                                          PrometheusMeterRegistry registry, Database db) {
    var pool = db.pool();
    var rates = new StaticRateProvider(config.rates());
    var methods = new PaymentMethods();
    var invoices = new InvoiceService(pool, rates, clock, methods);
    var auth = new Auth(pool);
    var idempotency = new Idempotency(pool, clock);
    var links = new Links(config.publicUrl());
    var health = new Health();
    boolean devnet = config.devnetChain() || config.devnetLightning();
    health.register("database", () -> pool.query("SELECT 1").execute()
        .map(rs -> new JsonObject().put("status", "up").put("embedded", db.embedded())));
    // settlement events (events branch): dispatcher, POS hub, their routes
    var invoicesHandler = new InvoicesHandler(pool, invoices, rates, idempotency, links);
    var events = new EventsWiring(vertx, config, db, auth, invoicesHandler, links, clock);
    var handlers = new ApiRouter.Handlers(auth, health,
        new ApiKeysHandler(pool, auth, idempotency, clock),
        new StoresHandler(pool, idempotency, clock, (tx, store) -> devnet
            ? methods.applyDevDefaults(tx, store, clock.instant()) : Future.succeededFuture()),
        invoicesHandler,
        new PaymentMethodsHandler(pool, methods, clock),
        registry, events.routes());

    var expirer = new InvoiceExpirer(vertx, pool, invoices);
    expirer.start(config.expirySweepMillis());
    return events.start().compose(v -> deployHttp(vertx, config, handlers)).map(d -> {
      LOG.info("listening on http://{}:{} ({} network)", config.httpHost(), d.port, config.network().id());
      Gateway gateway = new Gateway(vertx, ownsVertx, config, db, expirer, d.id, d.port, invoices);
      gateway.events = events;
      return gateway;
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
    return database;
  }

  public InvoiceService invoices() {
    return invoices;
  }

  public EventsWiring events() {
    return events;
  }

  public InvoiceExpirer expirer() {
    return expirer;
  }

  /**
   * Graceful stop: stop accepting and let in-flight requests finish, stop background work, close
   * the pool, stop the embedded database, close Vert.x if we own it.
   */
  public Future<Void> stop() {
    LOG.info("stopping");
    expirer.stop();
    // A context-free promise: its listeners must still run after Vert.x's event loops are gone.
    Promise<Void> stopped = Promise.promise();
    vertx.undeploy(httpDeployment)
        .eventually(() -> events.stop())
        .eventually(() -> database.close(vertx))
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
