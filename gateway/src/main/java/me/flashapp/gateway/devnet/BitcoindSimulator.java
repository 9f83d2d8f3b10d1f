package me.flashapp.gateway.devnet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import me.flashapp.gateway.bitcoin.AddressCodec;
import me.flashapp.gateway.bitcoin.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A bitcoind look-alike on loopback for dev mode and tests: a ZMQ PUB socket publishing
 * {@code rawtx}, {@code rawblock} and {@code sequence} with bitcoind's framing
 * ({@code topic | body | uint32 LE sequence}, one counter per topic), and a JSON-RPC server
 * answering getblockchaininfo, getblockhash, getblock, getrawmempool and getrawtransaction from
 * the same {@link SimChain}. Tests can drop or duplicate the next messages, publish raw frames,
 * spoil the next RPC answers ({@link #faultNextRpc}), and take the node off the network and back
 * on the same ports with its chain kept ({@link #pause()}, {@link #resume()}), like a bitcoind
 * restart during which blocks were mined.
 *
 * <p>Thread-safe: every operation holds the simulator's lock, so what RPC answers always matches
 * what was published.
 */
public final class BitcoindSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(BitcoindSimulator.class);
  public static final String RPC_USER = "devnet";
  public static final String RPC_PASSWORD = "devnet";

  /** How {@link #faultNextRpc} spoils an answer. */
  public enum RpcFault {
    /** HTTP 200 with a body that is not JSON. */
    GARBAGE_JSON,
    /** HTTP 500 with an HTML body, as a proxy in front of a dead node answers. */
    HTTP_500,
    /** Well-formed JSON-RPC whose result has the wrong type. */
    WRONG_SHAPE
  }

  private final Vertx vertx;
  private final SimChain chain = new SimChain();
  private final long[] sequences = new long[3];
  private final ZContext zmq = new ZContext();
  private ZMQ.Socket pub;
  private final int zmqPort;
  private long mempoolSequence;
  private int dropNext;
  private int duplicateNext;
  private RpcFault fault;
  private int faultCalls;
  private boolean paused;
  private HttpServer server;
  private int rpcPort;

  private BitcoindSimulator(Vertx vertx) {
    this.vertx = vertx;
    this.pub = newPub();
    this.zmqPort = pub.bindToRandomPort("tcp://127.0.0.1");
  }

  private ZMQ.Socket newPub() {
    ZMQ.Socket s = zmq.createSocket(SocketType.PUB);
    s.setSndHWM(0);
    s.setLinger(0);
    return s;
  }

  /** Binds the ZMQ socket and the RPC server on free loopback ports. */
  public static Future<BitcoindSimulator> start(Vertx vertx) {
    BitcoindSimulator sim = new BitcoindSimulator(vertx);
    return sim.listen(0).map(v -> {
      LOG.info("bitcoind simulator: rpc {} zmq {}", sim.rpcUrl(), sim.zmqEndpoint());
      return sim;
    });
  }

  private Future<Void> listen(int port) {
    return vertx.createHttpServer().requestHandler(this::rpc).listen(port, "127.0.0.1").map(s -> {
      server = s;
      rpcPort = s.actualPort();
      return null;
    });
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + rpcPort + "/";
  }

  public String zmqEndpoint() {
    return "tcp://127.0.0.1:" + zmqPort;
  }

  /** Pays {@code sats} to {@code address} from the simulator's own coins; returns the txid. */
  public synchronized String send(String address, long sats) {
    byte[] script = AddressCodec.toScriptPubKey(address, Network.REGTEST);
    SimChain.SimTx tx = chain.send(script, sats);
    announceTx(tx.raw());
    sequence(tx.txid(), 'A', true);
    return tx.txid();
  }

  /**
   * Replaces a mempool transaction (BIP125): same inputs, everything paid back to the simulator
   * with a higher fee, so the original's outputs disappear. Returns the replacement's txid.
   */
  public synchronized String replace(String txid) {
    SimChain.SimTx tx = chain.replace(txid);
    sequence(txid, 'R', true);
    announceTx(tx.raw());
    sequence(tx.txid(), 'A', true);
    return tx.txid();
  }

  /** Mines {@code n} blocks with everything in the mempool; returns their hashes. */
  public synchronized List<String> mine(int n) {
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SimChain.SimBlock b = chain.mine();
      announceBlock(b);
      hashes.add(b.hash());
    }
    return hashes;
  }

  /**
   * Disconnects the last {@code depth} blocks (their transactions go back to the mempool, except
   * {@code dropTxids} and their descendants, which are gone), then mines {@code depth + 1} blocks
   * so the new branch wins. Returns the new blocks' hashes.
   */
  public synchronized List<String> reorg(int depth, List<String> dropTxids) {
    for (String hash : chain.disconnect(depth)) {
      sequence(hash, 'D', false);
    }
    for (String dropped : chain.drop(dropTxids)) {
      sequence(dropped, 'R', true);
    }
    return mine(depth + 1);
  }

  public synchronized int height() {
    return chain.height();
  }

  /** The next {@code n} ZMQ messages are not sent (their sequence numbers are still used up). */
  public synchronized void dropNextMessages(int n) {
    dropNext = n;
  }

  /** The next {@code n} ZMQ messages are sent twice. */
  public synchronized void duplicateNextMessages(int n) {
    duplicateNext = n;
  }

  /**
   * The next {@code calls} RPC requests get a spoiled answer ({@code null} or 0 calls: none);
   * {@code Integer.MAX_VALUE} keeps spoiling until called again.
   */
  public synchronized void faultNextRpc(RpcFault fault, int calls) {
    this.fault = calls > 0 ? fault : null;
    this.faultCalls = calls;
  }

  /**
   * Goes off the network: closes the RPC server and the ZMQ socket, so clients see refused
   * connections. The chain stays, and {@link #send}, {@link #mine} and {@link #reorg} still change
   * it; their ZMQ messages are lost (their sequence numbers used up), as on a node nobody hears.
   */
  public Future<Void> pause() {
    HttpServer s;
    synchronized (this) {
      if (paused) {
        return Future.succeededFuture();
      }
      paused = true;
      zmq.destroySocket(pub);
      pub = null;
      s = server;
      server = null;
    }
    return s.close();
  }

  /** Back on the network on the same RPC and ZMQ ports, RPC first so a ZMQ reconnect finds it up. */
  public Future<Void> resume() {
    synchronized (this) {
      if (!paused) {
        return Future.succeededFuture();
      }
    }
    return listen(rpcPort).map(v -> {
      synchronized (this) {
        ZMQ.Socket s = newPub();
        s.bind(zmqEndpoint());
        pub = s;
        paused = false;
      }
      return null;
    });
  }

  /** Publishes arbitrary frames (malformed-input tests). */
  public synchronized void publishRaw(byte[]... frames) {
    if (paused) {
      return;
    }
    for (int i = 0; i < frames.length; i++) {
      pub.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  private void announceTx(byte[] raw) {
    publish(0, "rawtx", raw);
  }

  private void announceBlock(SimChain.SimBlock b) {
    for (String txid : b.txids()) {
      announceTx(chain.rawTx(txid));
    }
    publish(1, "rawblock", b.bytes());
    sequence(b.hash(), 'C', false);
  }

  private void sequence(String displayHash, char label, boolean mempool) {
    byte[] body = new byte[mempool ? 41 : 33];
    System.arraycopy(HexFormat.of().parseHex(displayHash), 0, body, 0, 32);
    body[32] = (byte) label;
    if (mempool) {
      long s = ++mempoolSequence;
      for (int i = 0; i < 8; i++) {
        body[33 + i] = (byte) (s >>> (8 * i));
      }
    }
    publish(2, "sequence", body);
  }

  private void publish(int topicIndex, String topic, byte[] body) {
    long seq = sequences[topicIndex]++ & 0xffffffffL;
    if (paused) {
      return;
    }
    if (dropNext > 0) {
      dropNext--;
      return;
    }
    int times = 1;
    if (duplicateNext > 0) {
      duplicateNext--;
      times = 2;
    }
    byte[] s = {(byte) seq, (byte) (seq >>> 8), (byte) (seq >>> 16), (byte) (seq >>> 24)};
    for (int i = 0; i < times; i++) {
      pub.send(topic.getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
      pub.send(body, ZMQ.SNDMORE);
      pub.send(s, 0);
    }
  }

  private void rpc(HttpServerRequest req) {
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        (RPC_USER + ":" + RPC_PASSWORD).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(req.getHeader("Authorization"))) {
      req.response().setStatusCode(401).end();
      return;
    }
    req.body().onSuccess(buf -> {
      JsonObject call;
      try {
        call = buf.toJsonObject();
      } catch (RuntimeException e) {
        req.response().setStatusCode(500).end(error(null, -32700, "Parse error"));
        return;
      }
      Object id = call.getValue("id");
      if (spoil(req)) {
        return;
      }
      try {
        Object result = answer(call.getString("method"), call.getJsonArray("params", new JsonArray()));
        req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("result", result).putNull("error").put("id", id).encode());
      } catch (SimChain.RpcError e) {
        req.response().setStatusCode(e.code == -32601 ? 404 : 500).putHeader("Content-Type", "application/json")
            .end(error(id, e.code, e.getMessage()));
      } catch (RuntimeException e) {
        req.response().setStatusCode(500).end(error(id, -8, "Invalid parameter: " + e.getMessage()));
      }
    });
  }

  /** Answers with the armed fault, if any; true when it did. */
  private boolean spoil(HttpServerRequest req) {
    RpcFault f;
    synchronized (this) {
      f = fault;
      if (f == null) {
        return false;
      }
      if (faultCalls != Integer.MAX_VALUE && --faultCalls == 0) {
        fault = null;
      }
    }
    switch (f) {
      case GARBAGE_JSON -> req.response().putHeader("Content-Type", "application/json").end("{\"result\": [tru");
      case HTTP_500 -> req.response().setStatusCode(500).putHeader("Content-Type", "text/html")
          .end("<html><body>502 Bad Gateway</body></html>");
      case WRONG_SHAPE -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("result", 42).putNull("error").put("id", 1).encode());
      default -> throw new IllegalStateException(f.toString());
    }
    return true;
  }

  private synchronized Object answer(String method, JsonArray params) {
    return switch (method == null ? "" : method) {
      case "getblockchaininfo" -> new JsonObject().put("chain", "regtest").put("blocks", chain.height())
          .put("headers", chain.height()).put("bestblockhash", chain.tipHash());
      case "getblockhash" -> chain.blockHash(params.getInteger(0));
      case "getblock" -> HexFormat.of().formatHex(chain.block(params.getString(0)));
      case "getrawmempool" -> new JsonArray(chain.mempool());
      case "getrawtransaction" -> HexFormat.of().formatHex(chain.rawTxOrFail(params.getString(0)));
      default -> throw new SimChain.RpcError(-32601, "Method not found");
    };
  }

  private static String error(Object id, int code, String message) {
    return new JsonObject().putNull("result").put("error", new JsonObject().put("code", code).put("message", message))
        .put("id", id).encode();
  }

  /** Stops the RPC server and closes the ZMQ socket. */
  public Future<Void> close() {
    HttpServer s;
    synchronized (this) {
      s = server;
    }
    Future<Void> f = s == null ? Future.succeededFuture() : s.close();
    return f.onComplete(ar -> {
      synchronized (this) {
        zmq.close();
      }
    });
  }
}
