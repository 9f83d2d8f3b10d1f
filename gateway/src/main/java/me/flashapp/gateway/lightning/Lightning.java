package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.config.GatewayConfig;
import me.flashapp.gateway.devnet.LndSimulator;
import me.flashapp.gateway.events.EventDispatcher;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.invoice.PaymentMethods;
import me.flashapp.gateway.settlement.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lightning capability assembled: the devnet simulator (dev mode), the nodes, one listener
 * per node, the BTC-LN handler, payouts and the periodic cancel of unpayable LND invoices.
 */
public final class Lightning {
  private static final Logger LOG = LoggerFactory.getLogger(Lightning.class);
  static final String STORE_NODES = "SELECT DISTINCT config->>'connectionString' FROM store_payment_methods"
      + " WHERE payment_method_id = 'BTC-LN' AND enabled";

  private final Vertx vertx;
  private final LndSimulator simulator;
  private final List<LightningListener> listeners = new CopyOnWriteArrayList<>();
  private LndNodes nodes;
  private Payouts payouts;
  private final SettleLatency latency;
  private final EventDispatcher numbering;
  private long timer = -1;
  private boolean sweeping;

  private Lightning(Vertx vertx, LndSimulator simulator, SettleLatency latency, EventDispatcher numbering) {
    this.vertx = vertx;
    this.numbering = numbering;
    this.latency = latency;
    this.simulator = simulator;
  }

  /**
   * Starts everything and registers {@code BTC-LN} with {@code methods}. LND being down is not
   * fatal. Settlement transactions number their events themselves through {@code numbering}
   * ({@link EventDispatcher#numberIn}).
   */
  public static Future<Lightning> start(Vertx vertx, GatewayConfig config, Pool pool, InvoiceService invoices,
                                        PaymentMethods methods, Clock clock, SettleLatency latency,
                                        EventDispatcher numbering) {
    Bolt11Network network = Bolt11Network.valueOf(config.network().name());
    Future<LndSimulator> sim = config.devnetLightning()
        ? vertx.executeBlocking(() -> LndSimulator.start(config.dataDir().resolve("devnet-lnd"), network, clock))
        : Future.succeededFuture(null);
    return sim.compose(s -> {
      Lightning ln = new Lightning(vertx, s, latency, numbering);
      Future<LndEndpoint> internal = s != null
          ? LndEndpoint.internal(vertx, s.grpcUrl(), s.macaroonPath().toString(), s.certPath().toString())
          : LndEndpoint.internal(vertx, config.lndGrpcUrl(), config.lndMacaroonPath(), config.lndTlsCertPath());
      return internal.compose(ep -> ln.assemble(config, pool, invoices, methods, clock, ep))
          .onFailure(err -> {
            if (s != null) {
              s.close();
            }
          });
    });
  }

  private Future<Lightning> assemble(GatewayConfig config, Pool pool, InvoiceService invoices, PaymentMethods methods,
                                     Clock clock, LndEndpoint internalEndpoint) {
    Settlement settlement = new Settlement(pool, invoices, clock);
    LndClient internal = new LndClient(vertx, internalEndpoint);
    int atOnce = LightningListener.transactionsAtOnce(config.databasePoolSize());
    nodes = new LndNodes(vertx, internal, client -> listen(pool, settlement, clock, client, atOnce));
    methods.register(new LightningPaymentHandler(vertx, nodes, clock,
        config.network() == Network.REGTEST));
    payouts = new Payouts(pool, internal, clock, config.lndPayoutMaxFeePpm(), config.lndPayoutTimeoutSeconds());
    return listen(pool, settlement, clock, internal, atOnce)
        .compose(v -> pool.query(STORE_NODES).execute())
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (var r : rows) {
            String cs = r.getString(0);
            chain = chain.compose(v -> nodes.client(LndConnectionString.parse(cs)).<Void>mapEmpty()
                .recover(err -> {
                  LOG.warn("a store's Lightning node cannot be used: {}", err.getMessage());
                  return Future.succeededFuture();
                }));
          }
          return chain;
        })
        .compose(v -> payouts.resume())
        .map(v -> {
          timer = vertx.setPeriodic(config.expirySweepMillis(), id -> {
            if (!sweeping) {
              sweeping = true;
              cancelUnpayable().onComplete(ar -> sweeping = false);
            }
          });
          return this;
        });
  }

  private Future<Void> listen(Pool pool, Settlement settlement, Clock clock, LndClient client, int transactionsAtOnce) {
    LightningListener l = new LightningListener(vertx, pool, settlement, clock, client, latency, numbering,
        transactionsAtOnce);
    listeners.add(l);
    return l.start().onFailure(err -> LOG.warn("LND {}: listener did not start: {}", client.node(), err.getMessage()));
  }

  /** Cancels on the nodes the LND invoices of invoices that can no longer be paid; how many. */
  public Future<Integer> cancelUnpayable() {
    Future<Integer> total = Future.succeededFuture(0);
    for (LightningListener l : listeners) {
      total = total.compose(n -> l.cancelUnpayable().map(m -> n + m).recover(err -> {
        LOG.warn("LND {}: cancelling unpayable invoices failed: {}", l.client().node(), err.getMessage());
        return Future.succeededFuture(n);
      }));
    }
    return total;
  }

  /** Health of the internal node: reachable (GetInfo), stream state, last settle index. */
  public Future<JsonObject> health() {
    LightningListener l = listeners.get(0);
    JsonObject status = l.status();
    return nodes.internal().getInfo()
        .map(info -> status.put("status", l.streaming() ? "up" : "down").put("alias", info.getAlias())
            .put("pubkey", info.getIdentityPubkey()).put("devnet", simulator != null))
        .recover(err -> Future.succeededFuture(status.put("status", "down").put("error", err.getMessage())));
  }

  /** The devnet simulator, or null when a real LND is configured. */
  public LndSimulator simulator() {
    return simulator;
  }

  public Payouts payouts() {
    return payouts;
  }

  public List<LightningListener> listeners() {
    return listeners;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    listeners.forEach(LightningListener::stop);
    if (payouts != null) {
      payouts.stop();
    }
    if (nodes != null) {
      nodes.close();
    }
    if (simulator != null) {
      simulator.close(); // blocks briefly: the gateway's stop runs it off the event loop
    }
  }
}
