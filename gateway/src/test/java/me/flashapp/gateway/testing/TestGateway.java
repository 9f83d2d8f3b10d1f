package me.flashapp.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.Gateway;
import me.flashapp.gateway.config.GatewayConfig;

/**
 * A real gateway for a test class: its own database on the shared embedded server, a random
 * HTTP port, a bootstrap admin key and a clock the test moves.
 */
public final class TestGateway implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  public final MutableClock clock;
  public final String databaseUrl;
  public final Path dataDir;
  private final Map<String, String> settings;
  private Vertx vertx;
  private Gateway gateway;
  private Http http;

  private TestGateway(Map<String, String> extra) throws Exception {
    this.clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    this.databaseUrl = TestDatabases.newDatabaseUrl();
    this.dataDir = Files.createTempDirectory("gateway-test-data");
    this.settings = new HashMap<>(Map.of(
        "httpPort", "0",
        "httpInstances", "2",
        "databaseUrl", databaseUrl,
        "dataDir", dataDir.toString(),
        "bootstrapApiKey", ADMIN_KEY,
        "expirySweepMillis", "3600000"));
    settings.putAll(extra);
  }

  /** Another node of {@code first}: same database, data dir (card master key) and clock. */
  private TestGateway(TestGateway first, Map<String, String> extra) {
    this.clock = first.clock;
    this.databaseUrl = first.databaseUrl;
    this.dataDir = first.dataDir;
    this.settings = new HashMap<>(first.settings);
    settings.putAll(extra);
  }

  /**
   * Starts a second gateway node on this one's database, with its own Vert.x and HTTP port and
   * this node's settings (plus {@code extra}). In dev mode it would start its own simulators, whose
   * chains would disagree in the shared tables; configure both nodes against one bitcoind and LND.
   */
  public TestGateway startNode(Map<String, String> extra) {
    try {
      TestGateway t = new TestGateway(this, extra);
      t.startGateway();
      return t;
    } catch (Exception e) {
      throw new IllegalStateException("second node did not start", e);
    }
  }

  /** A loopback port nothing listens on (bound, then released): a peer that refuses connections. */
  public static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  public static TestGateway start(Map<String, String> extra) {
    try {
      TestGateway t = new TestGateway(extra);
      t.startGateway();
      return t;
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not start", e);
    }
  }

  private void startGateway() throws Exception {
    vertx = Vertx.vertx();
    gateway = await(Gateway.start(vertx, true, GatewayConfig.from(settings), clock, null));
    http = new Http(gateway.httpPort());
  }

  /** Stops the gateway and starts a new one on the same database and data directory. */
  public void restart() {
    try {
      await(gateway.stop());
      startGateway();
    } catch (Exception e) {
      throw new IllegalStateException("restart failed", e);
    }
  }

  /** Stops the gateway, runs {@code whileStopped} (e.g. pay invoices on an external node), starts it again. */
  public void restart(Runnable whileStopped) {
    try {
      await(gateway.stop());
      whileStopped.run();
      startGateway();
    } catch (Exception e) {
      throw new IllegalStateException("restart failed", e);
    }
  }

  public Http http() {
    return http;
  }

  public Gateway gateway() {
    return gateway;
  }

  /** Runs SQL against the gateway's database and returns rows as JSON objects (for assertions). */
  public List<JsonObject> sql(String query, Object... args) {
    return await(gateway.database().pool().preparedQuery(query).execute(io.vertx.sqlclient.Tuple.from(args))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(r.toJson());
          }
          return out;
        }));
  }

  public long count(String table) {
    return sql("SELECT count(*) AS n FROM " + table).get(0).getLong("n");
  }

  /** Creates a store as the admin and returns its id. */
  public String createStore(String name) {
    Http.Response r = http.post("/api/v1/stores", new JsonObject().put("name", name).encode(), ADMIN_KEY);
    if (r.status() != 200) {
      throw new IllegalStateException("store creation failed: " + r);
    }
    return r.json().getString("id");
  }

  /** Creates an API key with the given permissions (as the admin) and returns it. */
  public String createKey(String... permissions) {
    JsonObject body = new JsonObject().put("label", "test").put("permissions", new io.vertx.core.json.JsonArray(List.of(permissions)));
    Http.Response r = http.post("/api/v1/api-keys", body.encode(), ADMIN_KEY);
    if (r.status() != 200) {
      throw new IllegalStateException("key creation failed: " + r);
    }
    return r.json().getString("apiKey");
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  @Override
  public void close() {
    if (gateway != null) {
      await(gateway.stop());
    }
  }
}
