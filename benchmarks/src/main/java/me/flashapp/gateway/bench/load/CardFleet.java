package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cards that card taps spend, set up before the run: each is issued
 * ({@code POST /api/v1/stores/{id}/cards} with a random UID and limits above anything the run
 * spends), then funded through its top-up ({@code POST .../cards/{cardId}/topups}, whose BOLT11 is
 * paid with {@code POST /api/v1/dev/lightning/pay}); the set-up ends when every card's balance
 * shows the top-up. Blocking: call it from the main thread, never from an event loop.
 */
final class CardFleet {
  /** Cards set up concurrently: enough to keep the gateway busy, few enough not to queue for long. */
  private static final int BATCH = 50;
  private static final long FUNDED_TIMEOUT_MILLIS = 120_000;

  private CardFleet() {}

  /**
   * Issues {@code count} cards, each funded with {@code fundSats} and allowed to pay up to
   * {@code perTransactionSats} per tap and its whole balance in a day.
   */
  static List<SimulatedCard> issue(GatewayApi api, String storeId, int count, long fundSats, long perTransactionSats,
      PrintStream out) throws Exception {
    List<SimulatedCard> cards = new ArrayList<>(count);
    for (int from = 0; from < count; from += BATCH) {
      List<Future<SimulatedCard>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + BATCH); i++) {
        batch.add(issueOne(api, storeId, i, fundSats, perTransactionSats));
      }
      await(Future.all(batch), FUNDED_TIMEOUT_MILLIS);
      batch.forEach(f -> cards.add(f.result()));
      out.printf("%d of %d cards issued and paid in%n", cards.size(), count);
    }
    awaitFunded(api, storeId, cards, fundSats);
    return cards;
  }

  private static Future<SimulatedCard> issueOne(GatewayApi api, String storeId, int index, long fundSats,
      long perTransactionSats) {
    String cardsPath = "/api/v1/stores/" + storeId + "/cards";
    JsonObject body = new JsonObject().put("label", "load-" + index).put("uid", randomUid())
        .put("limits", new JsonObject().put("perTransaction", perTransactionSats).put("daily", fundSats));
    return api.post(cardsPath, body).compose(card -> {
      SimulatedCard sim = new SimulatedCard(card.getString("id"), card.getString("uid"), card.getString("k1"),
          card.getString("k2"));
      JsonObject topup = new JsonObject().put("amount", Long.toString(fundSats)).put("currency", "SATS");
      return api.post(cardsPath + "/" + sim.id + "/topups", topup)
          .compose(inv -> api.getArray("/api/v1/stores/" + storeId + "/invoices/" + inv.getString("id")
              + "/payment-methods"))
          .compose(methods -> api.payLightning(Payments.method(methods, "BTC-LN").getString("destination")))
          .map(paid -> sim);
    });
  }

  /** Polls the store's cards until each of ours shows its top-up (credited when the invoice settles). */
  private static void awaitFunded(GatewayApi api, String storeId, List<SimulatedCard> cards, long fundSats)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FUNDED_TIMEOUT_MILLIS);
    while (true) {
      JsonArray listed = await(api.getArray("/api/v1/stores/" + storeId + "/cards"), FUNDED_TIMEOUT_MILLIS);
      long funded = cards.stream().filter(c -> balance(listed, c.id) >= fundSats).count();
      if (funded == cards.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(funded + " of " + cards.size() + " cards funded after "
            + FUNDED_TIMEOUT_MILLIS / 1000 + " s; are top-up invoices settling?");
      }
      TimeUnit.MILLISECONDS.sleep(200); // the main thread, not an event loop
    }
  }

  private static long balance(JsonArray listed, String cardId) {
    for (int i = 0; i < listed.size(); i++) {
      JsonObject c = listed.getJsonObject(i);
      if (cardId.equals(c.getString("id"))) {
        return c.getLong("balance", 0L);
      }
    }
    return 0;
  }

  /** 7 bytes, the first 0x04 as NXP's UIDs have; 48 random bits make a clash with an active card unlikely. */
  private static String randomUid() {
    byte[] uid = new byte[7];
    ThreadLocalRandom.current().nextBytes(uid);
    uid[0] = 0x04;
    return HexFormat.of().formatHex(uid);
  }

  private static <T> T await(Future<T> f, long timeoutMillis) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("card set-up failed: " + GatewayApi.describe(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("card set-up: no answer within " + timeoutMillis / 1000 + " s", e);
    }
  }
}
