package me.flashapp.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import me.flashapp.gateway.devnet.BitcoindSimulator;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.TestGateway;

/** A simulator that outlives the gateways of a test class, and the HTTP steps the chain tests repeat. */
final class ChainTestSupport {
  static final String ADMIN = TestGateway.ADMIN_KEY;

  final Vertx simVertx = Vertx.vertx();
  final BitcoindSimulator sim = TestGateway.await(BitcoindSimulator.start(simVertx));
  final TestGateway gw;

  ChainTestSupport() {
    gw = TestGateway.start(Map.of(
        "bitcoindRpcUrl", sim.rpcUrl(),
        "bitcoindRpcUser", BitcoindSimulator.RPC_USER,
        "bitcoindRpcPassword", BitcoindSimulator.RPC_PASSWORD,
        "bitcoindZmqRawtx", sim.zmqEndpoint(),
        "bitcoindZmqRawblock", sim.zmqEndpoint(),
        "bitcoindZmqSequence", sim.zmqEndpoint()));
  }

  Http http() {
    return gw.http();
  }

  /** A store with the given speed policy and BTC-CHAIN on {@code scheme}. */
  String store(String speedPolicy, String scheme) {
    String store = gw.createStore("Shop");
    Http.Response r = http().put("/api/v1/stores/" + store, new JsonObject().put("name", "Shop")
        .put("speedPolicy", speedPolicy).encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    r = http().put("/api/v1/stores/" + store + "/payment-methods/BTC-CHAIN",
        new JsonObject().put("enabled", true).put("config", new JsonObject().put("derivationScheme", scheme)).encode(),
        ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return store;
  }

  /** Creates a BTC invoice; returns {id, address}. */
  String[] invoice(String store, String btc) {
    Http.Response r = http().post("/api/v1/stores/" + store + "/invoices",
        new JsonObject().put("amount", btc).put("currency", "BTC").encode(), ADMIN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().getString("id");
    JsonObject m = http().get("/api/v1/stores/" + store + "/invoices/" + id + "/payment-methods", ADMIN).array()
        .getJsonObject(0);
    return new String[] {id, m.getString("destination")};
  }

  JsonObject invoiceJson(String store, String id) {
    return http().get("/api/v1/stores/" + store + "/invoices/" + id, ADMIN).json();
  }

  void awaitStatus(String store, String id, String status, String additional) {
    Eventually.until("invoice " + id + " " + status + "/" + additional, () -> {
      JsonObject inv = invoiceJson(store, id);
      return status.equals(inv.getString("status"))
          && (additional == null || additional.equals(inv.getString("additionalStatus")));
    });
  }

  long events(String invoiceId, String type) {
    return gw.sql("SELECT count(*) AS n FROM outbox_events WHERE invoice_id = $1 AND type = $2", invoiceId, type)
        .get(0).getLong("n");
  }

  long payments(String invoiceId) {
    return gw.sql("SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1", invoiceId).get(0).getLong("n");
  }

  void close() {
    gw.close();
    TestGateway.await(sim.close());
    TestGateway.await(simVertx.close());
  }
}
