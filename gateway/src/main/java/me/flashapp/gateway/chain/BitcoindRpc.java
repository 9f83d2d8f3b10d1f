package me.flashapp.gateway.chain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bitcoind's JSON-RPC, the calls the listener needs to catch up. Credentials are a user and
 * password, or the cookie file bitcoind rewrites on every start (so it is re-read after a 401).
 */
public final class BitcoindRpc {
  /** A failed call: transport, HTTP status, an RPC error, or an answer of the wrong shape. */
  public static final class RpcException extends RuntimeException {
    public RpcException(String message) {
      super(message);
    }
  }

  /** getblockchaininfo, the part we use. */
  public record ChainInfo(String chain, int blocks, String bestBlockHash) {}

  private final Vertx vertx;
  private final WebClient client;
  private final URI url;
  private final String user;
  private final String password;
  private final String cookieFile;
  private final AtomicLong ids = new AtomicLong();
  private volatile String authHeader;

  public BitcoindRpc(Vertx vertx, String url, String user, String password, String cookieFile) {
    this.vertx = vertx;
    this.url = URI.create(url);
    this.user = user;
    this.password = password;
    this.cookieFile = cookieFile;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(60));
  }

  public Future<ChainInfo> getBlockchainInfo() {
    return call("getblockchaininfo", new JsonArray(), r -> {
      JsonObject o = (JsonObject) r;
      return new ChainInfo(o.getString("chain"), o.getInteger("blocks"), hash(o.getString("bestblockhash")));
    });
  }

  public Future<String> getBlockHash(int height) {
    return call("getblockhash", new JsonArray().add(height), r -> hash((String) r));
  }

  /** The serialized block (verbosity 0). */
  public Future<byte[]> getBlock(String hash) {
    return call("getblock", new JsonArray().add(hash).add(0), r -> hex((String) r));
  }

  @SuppressWarnings("unchecked")
  public Future<List<String>> getRawMempool() {
    return call("getrawmempool", new JsonArray(), r -> {
      List<Object> list = ((JsonArray) r).getList();
      for (Object o : list) {
        hash((String) o);
      }
      return (List<String>) (List<?>) list;
    });
  }

  /** The serialized transaction, or null if the node does not know it (RPC error -5). */
  public Future<byte[]> getRawTransaction(String txid) {
    return call("getrawtransaction", new JsonArray().add(txid).add(false), r -> hex((String) r))
        .recover(err -> err instanceof RpcException && err.getMessage().startsWith("rpc error -5")
            ? Future.succeededFuture(null) : Future.failedFuture(err));
  }

  /**
   * A call whose result {@code shape} reads; an answer of the wrong shape (a cast or a missing
   * field) fails as an {@link RpcException} naming the method, so health says which call was bad.
   */
  private <T> Future<T> call(String method, JsonArray params, java.util.function.Function<Object, T> shape) {
    return call(method, params).compose(r -> {
      try {
        return Future.succeededFuture(shape.apply(r));
      } catch (RpcException e) {
        return Future.failedFuture(new RpcException("rpc " + method + ": " + e.getMessage()));
      } catch (RuntimeException e) {
        return Future.failedFuture(new RpcException("rpc " + method + ": unexpected answer (" + e + ")"));
      }
    });
  }

  /** Any call; the result must be the expected type or the caller's cast fails (→ a failed future). */
  public Future<Object> call(String method, JsonArray params) {
    JsonObject body = new JsonObject().put("jsonrpc", "1.0").put("id", ids.incrementAndGet()).put("method", method)
        .put("params", params);
    return auth().compose(header -> client.postAbs(url.toString()).putHeader("Authorization", header)
        .putHeader("Content-Type", "application/json").timeout(30_000).sendBuffer(body.toBuffer()))
        .compose(resp -> {
          if (resp.statusCode() == 401) {
            authHeader = null;
            return Future.failedFuture(new RpcException("rpc " + method + ": unauthorized"));
          }
          JsonObject answer;
          try {
            answer = resp.bodyAsJsonObject();
          } catch (RuntimeException e) {
            return Future.failedFuture(new RpcException("rpc " + method + ": HTTP " + resp.statusCode() + ", not JSON"));
          }
          if (answer == null) {
            return Future.failedFuture(new RpcException("rpc " + method + ": HTTP " + resp.statusCode() + ", empty"));
          }
          JsonObject error = answer.getJsonObject("error");
          if (error != null) {
            return Future.failedFuture(new RpcException("rpc error " + error.getValue("code") + " in " + method + ": "
                + error.getString("message")));
          }
          return Future.succeededFuture(answer.getValue("result"));
        });
  }

  private Future<String> auth() {
    String h = authHeader;
    if (h != null) {
      return Future.succeededFuture(h);
    }
    if (cookieFile != null) {
      return vertx.fileSystem().readFile(cookieFile).map(b -> authHeader = basic(b.toString(StandardCharsets.UTF_8).strip()));
    }
    return Future.succeededFuture(authHeader = basic((user == null ? "" : user) + ":" + (password == null ? "" : password)));
  }

  private static String basic(String userColonPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  private static String hash(String s) {
    if (s == null || s.length() != 64) {
      throw new RpcException("not a 32-byte hash: " + s);
    }
    HexFormat.of().parseHex(s);
    return s;
  }

  private static byte[] hex(String s) {
    if (s == null) {
      throw new RpcException("missing hex");
    }
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new RpcException("not hex");
    }
  }

  public void close() {
    client.close();
  }

}
