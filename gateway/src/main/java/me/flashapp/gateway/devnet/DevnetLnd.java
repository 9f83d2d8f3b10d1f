package me.flashapp.gateway.devnet;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import me.flashapp.gateway.lightning.Bolt11Exception;
import me.flashapp.gateway.lightning.Bolt11Network;

/**
 * The devnet LND simulator as a process of its own, for load runs: the gateway then connects to
 * it as to a real node (GATEWAY_LND_GRPC_URL, _MACAROON_PATH, _TLS_CERT_PATH), and the gateway's
 * JVM (its heap, its collector's pauses, its threads) holds the gateway alone, as it would beside
 * a real LND. A payer settles the node's invoices with
 * {@code POST http://127.0.0.1:<pay-port>/api/v1/dev/lightning/pay {paymentRequest}} →
 * {@code {paymentHash, status}}, the same path and answer as the gateway's own dev endpoint. It
 * listens on loopback only and asks for no key: it is a test payer, not an API.
 *
 * <pre>java -cp gateway/target/gateway.jar me.flashapp.gateway.devnet.DevnetLnd --dir DIR
 *     [--grpc-port 10009] [--pay-port 10080] [--network regtest]</pre>
 */
public final class DevnetLnd implements AutoCloseable {
  /** The payer's one route, as the gateway serves it in dev mode. */
  public static final String PAY_PATH = "/api/v1/dev/lightning/pay";
  private static final int MAX_BODY = 8192;
  static final String USAGE = """
      The devnet LND simulator on its own (load runs: the gateway's JVM then holds the gateway alone).
        java -cp gateway/target/gateway.jar me.flashapp.gateway.devnet.DevnetLnd --dir DIR [options]
        --dir DIR          where tls.cert and admin.macaroon are written (required)
        --grpc-port N      LND's gRPC port on 127.0.0.1                      (default 10009)
        --pay-port N       the payer: POST /api/v1/dev/lightning/pay on 127.0.0.1 (default 10080)
        --network NAME     regtest, testnet, signet or mainnet: the BOLT11 prefix  (default regtest)
      It prints the gateway settings that reach it, then runs until stopped.
      """;

  private final LndSimulator node;
  private final Vertx vertx;
  private final HttpServer payer;

  private DevnetLnd(LndSimulator node, Vertx vertx, HttpServer payer) {
    this.node = node;
    this.vertx = vertx;
    this.payer = payer;
  }

  /** Starts the node and its payer (ports 0 = any free one). Blocking: not on an event loop. */
  public static DevnetLnd start(Path dir, Bolt11Network network, int grpcPort, int payPort) throws Exception {
    LndSimulator node = LndSimulator.start(dir, network, Clock.systemUTC(), grpcPort);
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(req -> pay(node, req))
          .listen(payPort, "127.0.0.1").await();
      return new DevnetLnd(node, vertx, server);
    } catch (Exception e) {
      node.close();
      vertx.close().await();
      throw e;
    }
  }

  public LndSimulator node() {
    return node;
  }

  /** {@code http://127.0.0.1:<port>}: the generator's {@code --lightning-payer}. */
  public String payerUrl() {
    return "http://127.0.0.1:" + payer.actualPort();
  }

  /** The settings a gateway on the same host connects with (paths, never the macaroon itself). */
  public String gatewaySettings() {
    return "GATEWAY_LND_GRPC_URL=" + node.grpcUrl() + " GATEWAY_LND_MACAROON_PATH=" + node.macaroonPath()
        + " GATEWAY_LND_TLS_CERT_PATH=" + node.certPath();
  }

  private static void pay(LndSimulator node, HttpServerRequest req) {
    if (!req.path().equals(PAY_PATH)) {
      answer(req, 404, error("not-found", "The only route is POST " + PAY_PATH));
      return;
    }
    if (req.method() != HttpMethod.POST) {
      answer(req, 405, error("method-not-allowed", "POST " + PAY_PATH));
      return;
    }
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        answer(req, 400, error("bad-request", "The request body could not be read"));
        return;
      }
      Buffer body = ar.result();
      if (body.length() > MAX_BODY) {
        answer(req, 413, error("payload-too-large", "The request body exceeds " + MAX_BODY + " bytes"));
        return;
      }
      answerPayment(node, req, body);
    });
  }

  private static void answerPayment(LndSimulator node, HttpServerRequest req, Buffer body) {
    Object request;
    try {
      request = new JsonObject(body).getValue("paymentRequest");
    } catch (DecodeException | ClassCastException e) {
      answer(req, 400, error("bad-request", "The body must be a JSON object {\"paymentRequest\": \"ln...\"}"));
      return;
    }
    if (!(request instanceof String bolt11) || bolt11.isBlank()) {
      answer(req, 422, error("validation", "paymentRequest: a BOLT11 string is required"));
      return;
    }
    String hash;
    try {
      hash = node.paymentHash(bolt11);
    } catch (Bolt11Exception e) {
      answer(req, 422, error("validation", "paymentRequest: is not a valid BOLT11 invoice: " + e.getMessage()));
      return;
    }
    LndSimulator.PayResult result = node.settle(hash, -1);
    switch (result) {
      case UNKNOWN_INVOICE -> answer(req, 404, error("lightning-invoice-not-found", "The devnet node has no such invoice"));
      case CANCELED -> answer(req, 400, error("lightning-invoice-canceled",
          "The invoice was cancelled on the node and cannot be paid"));
      default -> answer(req, 200, new JsonObject().put("paymentHash", hash).put("status", result.status()));
    }
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }

  private static void answer(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  @Override
  public void close() {
    payer.close().await();
    vertx.close().await();
    node.close();
  }

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int grpcPort = 10009;
    int payPort = 10080;
    Bolt11Network network = Bolt11Network.REGTEST;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          System.out.print(USAGE);
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--dir" -> dir = Path.of(v);
          case "--grpc-port" -> grpcPort = port(a, v);
          case "--pay-port" -> payPort = port(a, v);
          case "--network" -> network = network(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    DevnetLnd lnd = start(dir, network, grpcPort, payPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      lnd.close();
      stopped.countDown();
    }, "devnet-lnd-stop"));
    System.out.println("devnet LND (" + network.name().toLowerCase(Locale.ROOT) + ") ready; the gateway connects with: "
        + lnd.gatewaySettings());
    System.out.println("payer: POST " + lnd.payerUrl() + PAY_PATH + " {paymentRequest}");
    stopped.await();
  }

  private static Bolt11Network network(String name) {
    for (Bolt11Network n : Bolt11Network.values()) {
      if (n.name().equalsIgnoreCase(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException("--network must be regtest, testnet, signet or mainnet, got " + name);
  }

  private static int port(String option, String value) {
    try {
      int p = Integer.parseInt(value);
      if (p < 0 || p > 65_535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a port number 0-65535, got " + value);
    }
  }
}
