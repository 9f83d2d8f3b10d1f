package me.flashapp.gateway.chain;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import me.flashapp.gateway.bitcoin.DerivationScheme;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.invoice.InvoiceService;
import me.flashapp.gateway.settlement.Settlement;

/**
 * The on-chain payment method assembled: the watched scripts and the listener on their own Vert.x
 * context, the {@code BTC-CHAIN} handler, the ZMQ subscriber and the RPC client.
 */
public final class ChainModule {
  /** Where bitcoind (or the simulator) listens; ZMQ endpoints may be null (then RPC polling only). */
  public record Endpoints(String rpcUrl, String rpcUser, String rpcPassword, String rpcCookieFile,
                          String zmqRawtx, String zmqRawblock, String zmqSequence) {}

  /** How often to catch up even without a hint: the safety net for a silently lost last message. */
  static final long POLL_MILLIS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final WatchedScripts watched;
  private final ChainPaymentHandler handler;
  private final Pool pool;
  private final Settlement settlement;
  private final Clock clock;
  private BitcoindRpc rpc;
  private ZmqSubscriber zmq;
  private ChainListener listener;
  private long pollTimer = -1;
  private Runnable onStop = () -> { };

  public ChainModule(Vertx vertx, Network network, boolean devnet, Pool pool, InvoiceService invoices, Clock clock) {
    this.vertx = vertx;
    // A context of its own: the listener's steps are ordered on it, apart from HTTP and the database.
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.watched = new WatchedScripts(context);
    this.handler = new ChainPaymentHandler(network, devnet, watched, clock);
    this.pool = pool;
    this.settlement = new Settlement(pool, invoices, clock);
    this.clock = clock;
  }

  public ChainPaymentHandler handler() {
    return handler;
  }

  /** For Health: bitcoind up with our tip height, or down with why. */
  public Future<JsonObject> health() {
    ChainListener l = listener;
    return l == null ? Future.succeededFuture(new JsonObject().put("status", "down").put("error", "not started"))
        : l.health();
  }

  /** Subscribes, then catches up; completes when the first catch-up is done (or has failed and is retrying). */
  public Future<Void> start(Endpoints e) {
    // bitcoinj's first derivation initializes its curve tables (seconds on a slow machine): do it
    // here, off the event loop, rather than in the first store or invoice request.
    return vertx.executeBlocking(() -> DerivationScheme.parse(ChainPaymentHandler.DEVNET_VPUB, Network.REGTEST)
        .deriveScript(0)).compose(warm -> subscribeAndSync(e));
  }

  private Future<Void> subscribeAndSync(Endpoints e) {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      rpc = new BitcoindRpc(vertx, e.rpcUrl(), e.rpcUser(), e.rpcPassword(), e.rpcCookieFile());
      listener = new ChainListener(vertx, watched, rpc, new ChainRepository(pool), settlement, clock);
      Map<String, String> topics = new LinkedHashMap<>();
      putIfSet(topics, "rawtx", e.zmqRawtx());
      putIfSet(topics, "rawblock", e.zmqRawblock());
      putIfSet(topics, "sequence", e.zmqSequence());
      if (!topics.isEmpty()) {
        // Subscribed before the first catch-up, so nothing falls between the two.
        zmq = new ZmqSubscriber(topics, context, listener::message, listener::requestSync);
        zmq.start();
      }
      pollTimer = vertx.setPeriodic(POLL_MILLIS, t -> listener.requestSync());
      listener.start().onComplete(started);
    });
    return started.future();
  }

  private static void putIfSet(Map<String, String> m, String topic, String endpoint) {
    if (endpoint != null && !endpoint.isBlank()) {
      m.put(topic, endpoint);
    }
  }

  /** Something to close after the listener stops (the devnet simulator the gateway started). */
  public void closeWith(Runnable r) {
    onStop = r;
  }

  public void stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (listener != null) {
      listener.stop();
    }
    if (zmq != null) {
      zmq.stop();
    }
    if (rpc != null) {
      rpc.close();
    }
    onStop.run();
  }
}
