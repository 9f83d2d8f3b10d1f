package me.flashapp.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import me.flashapp.gateway.bitcoin.InvalidAddressException;
import me.flashapp.gateway.devnet.BitcoindSimulator;
import me.flashapp.gateway.money.Sats;

/**
 * Dev endpoints driving the bitcoind simulator ({@code /api/v1/dev/chain/*}); routed only while
 * the simulator runs, and only for an unrestricted key. The simulator's calls are quick and
 * in-memory, but run off the event loop anyway since they take its lock and publish on ZMQ.
 */
public final class DevChainHandler {
  private volatile BitcoindSimulator sim;

  /** Routed at once; answers once {@link #attach} gave it the simulator (started with the gateway). */
  public DevChainHandler() {}

  public void attach(BitcoindSimulator simulator) {
    this.sim = simulator;
  }

  private BitcoindSimulator sim() {
    BitcoindSimulator s = sim;
    if (s == null) {
      throw new ApiException(503, "devnet-not-ready", "The bitcoind simulator is not running");
    }
    return s;
  }

  /** {@code {address, amount}} (amount a BTC decimal string) → {@code {txid}}. */
  public void send(RoutingContext ctx) {
    Auth.key(ctx).require(Policies.UNRESTRICTED, null);
    Fields f = new Fields(JsonBody.object(ctx));
    String address = f.string("address", true, 200);
    BigDecimal amount = f.decimal("amount");
    if (amount == null && !f.hasErrors()) {
      f.error("amount", "is required");
    }
    long sats = 0;
    if (amount != null) {
      try {
        sats = Sats.fromBtc(amount).value();
        if (sats <= 0) {
          f.error("amount", "must be positive");
        }
      } catch (ArithmeticException e) {
        f.error("amount", "has more than 8 decimals");
      }
    }
    f.validate();
    long value = sats;
    ctx.vertx().<String>executeBlocking(() -> sim().send(address, value))
        .onSuccess(txid -> Reply.ok(new JsonObject().put("txid", txid)).send(ctx))
        .onFailure(err -> ctx.fail(err instanceof InvalidAddressException
            ? ValidationException.of("address", err.getMessage())
            : err instanceof IllegalArgumentException ? ValidationException.of("amount", err.getMessage()) : err));
  }

  /** {@code {blocks}} → {@code {hashes}}. */
  public void mine(RoutingContext ctx) {
    Auth.key(ctx).require(Policies.UNRESTRICTED, null);
    Fields f = new Fields(JsonBody.optionalObject(ctx));
    Long blocks = f.integer("blocks", 1, 1000);
    f.validate();
    int n = blocks == null ? 1 : blocks.intValue();
    ctx.vertx().<List<String>>executeBlocking(() -> sim().mine(n))
        .onSuccess(h -> Reply.ok(new JsonObject().put("hashes", new JsonArray(h))).send(ctx))
        .onFailure(ctx::fail);
  }

  /** {@code {depth, dropTxids}} → {@code {hashes}} of the new branch. */
  public void reorg(RoutingContext ctx) {
    Auth.key(ctx).require(Policies.UNRESTRICTED, null);
    Fields f = new Fields(JsonBody.object(ctx));
    Long depth = f.integer("depth", 1, 100);
    List<String> drop = f.has("dropTxids") ? f.strings("dropTxids", 1000) : List.of();
    if (depth == null && !f.hasErrors()) {
      f.error("depth", "is required");
    }
    f.validate();
    int d = depth.intValue();
    List<String> dropTxids = drop == null ? List.of() : drop;
    ctx.vertx().<List<String>>executeBlocking(() -> sim().reorg(d, dropTxids))
        .onSuccess(h -> Reply.ok(new JsonObject().put("hashes", new JsonArray(h))).send(ctx))
        .onFailure(err -> ctx.fail(err instanceof IllegalArgumentException
            ? ValidationException.of("depth", err.getMessage()) : err));
  }
}
