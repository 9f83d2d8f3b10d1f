package me.flashapp.gateway.lightning;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The LND nodes the gateway talks to: the internal node and each node a store connected. One
 * client (one channel) per node endpoint, created on first use; {@code onNewNode} starts that
 * node's invoice listener, so each node has exactly one SubscribeInvoices stream.
 */
public final class LndNodes {
  private final Vertx vertx;
  private final LndClient internal;
  private final Map<LndEndpoint, LndClient> external = new ConcurrentHashMap<>();
  private final Consumer<LndClient> onNewNode;

  public LndNodes(Vertx vertx, LndClient internal, Consumer<LndClient> onNewNode) {
    this.vertx = vertx;
    this.internal = internal;
    this.onNewNode = onNewNode;
  }

  public LndClient internal() {
    return internal;
  }

  /** The client for a store's connection string (the internal node's for "Internal Node"). */
  public Future<LndClient> client(LndConnectionString c) {
    if (c.internal()) {
      return Future.succeededFuture(internal);
    }
    return LndEndpoint.resolve(vertx, c).map(ep -> {
      if (ep.equals(internal.endpoint())) {
        return internal;
      }
      boolean[] created = {false};
      LndClient client = external.computeIfAbsent(ep, e -> {
        created[0] = true;
        return new LndClient(vertx, e);
      });
      if (created[0]) {
        onNewNode.accept(client);
      }
      return client;
    });
  }

  public void close() {
    external.values().forEach(LndClient::close);
    internal.close();
  }
}
