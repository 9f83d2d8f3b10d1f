package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The gateway's HTTP API as the generator uses it: a keep-alive connection pool and JSON calls
 * with the API key. A non-200 answer fails the future with the status and the body, which become
 * the error samples of the report.
 */
final class GatewayApi {
  private final HttpClient http;
  private final String authorization;
  final String host;
  final int port;
  /** Where BOLT11s are paid: this gateway's dev endpoint, or a {@code DevnetLnd} process's payer. */
  private final GatewayApi lightningPayer;

  GatewayApi(Vertx vertx, String url, String key, int connections) {
    this(vertx, url, key, connections, null);
  }

  /**
   * As {@link #GatewayApi(Vertx, String, String, int)}, paying Lightning invoices through
   * {@code POST <lightningPayerUrl>/api/v1/dev/lightning/pay} (null: the gateway's own).
   */
  GatewayApi(Vertx vertx, String url, String key, int connections, String lightningPayerUrl) {
    URI base = URI.create(url);
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.authorization = "token " + key;
    // No wait-queue bound: in an open loop, requests queue in the client when the server is slow,
    // and that queueing belongs in the latencies.
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.lightningPayer = lightningPayerUrl == null ? this
        : new GatewayApi(vertx, lightningPayerUrl, key, connections, null);
  }

  /**
   * No request waits longer than this for a connection, nor then for an answer: a lost request or
   * response fails it instead of hanging the run (or its set-up, which has no deadline of its own:
   * a shops run once hung for good with 8 of its 1,000 store creations never sent). Far above
   * anything a measurement keeps (latencies are clamped at two minutes, and the drain gives up
   * sooner), so queueing in the client for a connection still counts in the latencies.
   */
  static final long IDLE_TIMEOUT_MILLIS = 120_000;

  /** Sends {@code body} and yields the raw 200 body. */
  Future<Buffer> send(HttpMethod method, String path, Buffer body) {
    return send(method, path, body, IDLE_TIMEOUT_MILLIS);
  }

  /** As {@link #send(HttpMethod, String, Buffer)}, failing when no answer comes for {@code idleTimeoutMillis}. */
  Future<Buffer> send(HttpMethod method, String path, Buffer body, long idleTimeoutMillis) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .setConnectTimeout(IDLE_TIMEOUT_MILLIS).setIdleTimeout(idleTimeoutMillis)
        .putHeader("Authorization", authorization).putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            String text = b.toString();
            throw new IllegalStateException(method + " " + path.replaceAll("/[0-9A-Za-z]{16,}", "/{id}") + " → "
                + resp.statusCode() + " " + (text.length() > 200 ? text.substring(0, 200) : text));
          }
          return b;
        }));
  }

  Future<JsonObject> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body.toBuffer()).map(JsonObject::new);
  }

  /** Pays a BOLT11 of the devnet node as an outside payer would: {@code {paymentHash, status}}. */
  Future<JsonObject> payLightning(String paymentRequest) {
    return lightningPayer.post("/api/v1/dev/lightning/pay", new JsonObject().put("paymentRequest", paymentRequest));
  }

  Future<JsonObject> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body.toBuffer()).map(JsonObject::new);
  }

  Future<JsonArray> getArray(String path) {
    return send(HttpMethod.GET, path, null).map(JsonArray::new);
  }

  Future<Void> close() {
    return lightningPayer == this ? http.close() : Future.join(http.close(), lightningPayer.close()).mapEmpty();
  }

  /** A short, stable error message for the report (ids stripped so equal failures group). */
  static String describe(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.length() > 240 ? m.substring(0, 240) : m;
  }
}
