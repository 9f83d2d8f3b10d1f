package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tap rate limits come from the configuration (GATEWAY_CARD_TAP_LIMIT_PER_CARD / _PER_CLIENT). */
class CardTapLimitsTest {
  static TestGateway gw;
  static CardFixture f;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("cardMasterKey", CardFixture.MASTER, "cardTapLimitPerCard", "2/1",
        "cardTapLimitPerClient", "3/1"));
    f = new CardFixture(gw);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static TapResult tap(String store, CardSimulator sim, int counter, String client) {
    String invoice = f.invoice(store, 100).getString("id");
    return TestGateway.await(gw.gateway().cardTaps().pay(new TapRequest(store, invoice, sim.p(counter), sim.c(counter),
        null, client)));
  }

  @Test
  void aCardBeyondItsBurstIsDeclinedUntilItRefills() {
    String store = gw.createStore("Kiosk");
    JsonObject card = f.issue(store, 100_000, 500_000);
    CardSimulator sim = CardFixture.simulator(card);
    f.topUp(store, card.getString("id"), 10_000);
    assertThat(tap(store, sim, 1, "10.0.0.1").status()).isEqualTo("settled");
    assertThat(tap(store, sim, 2, "10.0.0.2").status()).isEqualTo("settled");
    TapResult third = tap(store, sim, 3, "10.0.0.3");
    assertThat(third.status()).isEqualTo("declined");
    assertThat(third.reason()).isEqualTo("rate-limited");
    assertThat(f.card(card.getString("id"))).isEqualTo(9_800);
    gw.clock.advance(Duration.ofSeconds(1));
    assertThat(tap(store, sim, 4, "10.0.0.4").status()).isEqualTo("settled");
    assertThat(f.card(card.getString("id"))).isEqualTo(9_700);
    f.assertLedgerBalanced();
  }

  @Test
  void aClientAddressBeyondItsBurstIsDeclined() {
    gw.clock.advance(Duration.ofSeconds(30));
    String store = gw.createStore("Market");
    String client = "192.0.2.7";
    int settled = 0;
    for (int i = 0; i < 4; i++) {
      JsonObject card = f.issue(store, 100_000, 500_000);
      f.topUp(store, card.getString("id"), 1_000);
      TapResult r = tap(store, CardFixture.simulator(card), 1, client);
      if (i < 3) {
        assertThat(r.status()).as("tap %d", i).isEqualTo("settled");
        settled++;
      } else {
        assertThat(r.status()).isEqualTo("declined");
        assertThat(r.reason()).isEqualTo("rate-limited");
      }
    }
    assertThat(f.ledger("store:" + store)).isEqualTo(settled * 100L);
    f.assertLedgerBalanced();
  }
}
