package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import me.flashapp.gateway.lightning.Bolt11;
import me.flashapp.gateway.lightning.Bolt11Builder;
import me.flashapp.gateway.lightning.Bolt11Invoice;
import me.flashapp.gateway.lightning.Bolt11Network;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.Http;
import me.flashapp.gateway.testing.Sha256;
import me.flashapp.gateway.testing.TestGateway;
import org.bitcoinj.crypto.ECKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A card's LNURL-withdraw (LUD-03) and LNURL-pay top-up (LUD-06) over HTTP, paid through the LND simulator. */
class CardLnurlTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static TestGateway gw;
  static CardFixture f;
  static Http http;
  String store;

  @BeforeAll
  static void start() {
    gw = CardFixture.startGateway();
    f = new CardFixture(gw);
    http = gw.http();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void freshStore() {
    store = gw.createStore("Cafe");
    gw.clock.advance(Duration.ofSeconds(30));
  }

  @AfterEach
  void ledgerBalanced() {
    f.assertLedgerBalanced();
  }

  /** A BOLT11 of some other node, as a wallet would hand to the callback. */
  static String foreignInvoice(long msat, Bolt11Network network) {
    return foreignInvoice(gw.clock, msat, network);
  }

  /** The same, dated by {@code clock} (the clock of the gateway that will pay it). */
  static String foreignInvoice(java.time.Clock clock, long msat, Bolt11Network network) {
    return foreignBuilder(clock, msat, network).description("wallet").sign(new ECKey());
  }

  /** A BOLT11 of some other node's LNURL-pay service, committing to {@code metadata} (LUD-06). */
  static String foreignLnurlInvoice(long msat, String metadata) {
    return foreignBuilder(gw.clock, msat, Bolt11Network.REGTEST).descriptionHash(Sha256.of(metadata)).sign(new ECKey());
  }

  private static Bolt11Builder foreignBuilder(java.time.Clock clock, long msat, Bolt11Network network) {
    byte[] hash = new byte[32];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(hash);
    RANDOM.nextBytes(secret);
    return Bolt11Builder.forNetwork(network).amountMsat(msat).timestamp(clock.instant().getEpochSecond())
        .paymentHash(hash).paymentSecret(secret).features(9, 14, 16);
  }

  static JsonObject withdrawRequest(CardSimulator sim, int counter) {
    Http.Response r = http.get("/boltcard?p=" + sim.p(counter) + "&c=" + sim.c(counter), null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static JsonObject callback(JsonObject wr, String pr) {
    String cb = wr.getString("callback");
    Http.Response r = http.get(cb.substring(cb.indexOf("/boltcard")) + "?k1=" + wr.getString("k1") + "&pr=" + pr, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  JsonObject cardWith(long sats) {
    JsonObject card = f.issue(store, 20_000, 100_000);
    f.topUp(store, card.getString("id"), sats);
    return card;
  }

  @Test
  void withdrawPaysThroughLightningAndDebitsTheCard() {
    JsonObject card = cardWith(50_000);
    String cardId = card.getString("id");
    CardSimulator sim = CardFixture.simulator(card);
    JsonObject wr = withdrawRequest(sim, 1);
    assertThat(wr.getString("tag")).isEqualTo("withdrawRequest");
    assertThat(wr.getString("callback")).startsWith("http://localhost:").endsWith("/boltcard/withdraw");
    assertThat(wr.getString("k1")).matches("[0-9a-f]{64}");
    assertThat(wr.getLong("minWithdrawable")).isEqualTo(1_000L);
    assertThat(wr.getLong("maxWithdrawable")).isEqualTo(20_000_000L); // the per-transaction limit, below the balance
    assertThat(gw.sql("SELECT count(*) AS n FROM card_withdrawals WHERE k1_hash = $1", wr.getString("k1")).get(0)
        .getLong("n")).isZero(); // only the hash of k1 is stored

    // the same tap again cannot open a second withdrawal
    assertThat(withdrawRequest(sim, 1).getString("status")).isEqualTo("ERROR");

    String pr = foreignInvoice(12_345_000, Bolt11Network.REGTEST);
    assertThat(callback(wr, pr).getString("status")).isEqualTo("OK");
    assertThat(f.card(cardId)).isEqualTo(50_000 - 12_345);
    String hash = Bolt11.decode(pr).paymentHashHex();
    Eventually.until("payout succeeded", () -> !gw.sql("SELECT 1 FROM lightning_payouts WHERE payment_hash = $1"
        + " AND status = 'succeeded'", hash).isEmpty());
    Eventually.until("withdrawal booked", () -> f.ledger("payouts-in-flight") == 0);
    assertThat(f.ledger("external")).isGreaterThanOrEqualTo(12_345);

    // k1 is single-use
    JsonObject again = callback(wr, foreignInvoice(1_000_000, Bolt11Network.REGTEST));
    assertThat(again.getString("status")).isEqualTo("ERROR");
    assertThat(again.getString("reason")).contains("already used");
    assertThat(f.card(cardId)).isEqualTo(50_000 - 12_345);
  }

  @Test
  void withdrawalsAndTapsShareOneDailyLimit() {
    JsonObject card = f.issue(store, 20_000, 30_000);
    String cardId = card.getString("id");
    f.topUp(store, cardId, 100_000);
    CardSimulator sim = CardFixture.simulator(card);
    assertThat(callback(withdrawRequest(sim, 1), foreignInvoice(12_345_000, Bolt11Network.REGTEST))
        .getString("status")).isEqualTo("OK"); // paid over Lightning: a card-withdraw journal

    // a tap sees the withdrawal: 12,345 + 18,000 is over 30,000 a day
    String big = f.invoice(store, 18_000).getString("id");
    TapResult declined = TestGateway.await(gw.gateway().cardTaps().pay(
        new TapRequest(store, big, sim.p(2), sim.c(2), null, null)));
    assertThat(declined.reason()).isEqualTo("over-daily-limit");
    String fits = f.invoice(store, 17_000).getString("id");
    assertThat(TestGateway.await(gw.gateway().cardTaps().pay(
        new TapRequest(store, fits, sim.p(3), sim.c(3), null, null))).isSettled()).isTrue();
    assertThat(gw.sql("SELECT sats FROM card_spend_days WHERE card_id = $1", cardId))
        .extracting(r -> r.getLong("sats")).containsExactly(29_345L);

    // what is left today bounds the next withdrawals: 655 sats, offered twice, paid once
    JsonObject first = withdrawRequest(sim, 4);
    JsonObject second = withdrawRequest(sim, 5);
    assertThat(first.getLong("maxWithdrawable")).isEqualTo(655_000L);
    assertThat(second.getLong("maxWithdrawable")).isEqualTo(655_000L);
    assertThat(callback(first, foreignInvoice(655_000, Bolt11Network.REGTEST)).getString("status")).isEqualTo("OK");
    JsonObject over = callback(second, foreignInvoice(655_000, Bolt11Network.REGTEST));
    assertThat(over.getString("status")).isEqualTo("ERROR");
    assertThat(over.getString("reason")).contains("limits");
    assertThat(f.card(cardId)).isEqualTo(100_000 - 12_345 - 17_000 - 655);
    assertThat(gw.sql("SELECT sats FROM card_spend_days WHERE card_id = $1", cardId))
        .extracting(r -> r.getLong("sats")).containsExactly(30_000L);

    gw.clock.advance(Duration.ofDays(1)); // a new UTC day: the whole limit again
    assertThat(withdrawRequest(sim, 6).getLong("maxWithdrawable")).isEqualTo(20_000_000L);
  }

  @Test
  void aFailedPaymentRefundsTheCard() {
    JsonObject card = cardWith(10_000);
    String cardId = card.getString("id");
    JsonObject wr = withdrawRequest(CardFixture.simulator(card), 1);
    String pr = foreignInvoice(4_000_000, Bolt11Network.REGTEST);
    gw.gateway().lightning().simulator().router().failPaymentsTo(Bolt11.decode(pr).paymentHashHex());
    JsonObject answer = callback(wr, pr);
    assertThat(answer.getString("status")).isEqualTo("ERROR");
    assertThat(answer.getString("reason")).contains("refunded");
    assertThat(f.card(cardId)).isEqualTo(10_000);
    assertThat(f.ledger("payouts-in-flight")).isZero();
    assertThat(gw.sql("SELECT status FROM card_withdrawals WHERE card_id = $1", cardId).get(0).getString("status"))
        .isEqualTo("failed");
  }

  @Test
  void badInvoicesAreRefusedAndWriteNothing() {
    JsonObject card = cardWith(5_000);
    String cardId = card.getString("id");
    CardSimulator sim = CardFixture.simulator(card);
    JsonObject wr = withdrawRequest(sim, 1);
    assertThat(wr.getLong("maxWithdrawable")).isEqualTo(5_000_000L); // the balance
    long journals = gw.count("ledger_journals");
    assertThat(callback(wr, foreignInvoice(5_001_000, Bolt11Network.REGTEST)).getString("reason"))
        .contains("out of range");
    assertThat(callback(wr, foreignInvoice(1_000_000, Bolt11Network.MAINNET)).getString("reason"))
        .contains("network");
    assertThat(callback(wr, "lnbcrt1garbage").getString("status")).isEqualTo("ERROR");
    JsonObject unknown = new JsonObject().put("callback", wr.getString("callback")).put("k1", "ab".repeat(32));
    assertThat(callback(unknown, foreignInvoice(1_000_000, Bolt11Network.REGTEST)).getString("reason"))
        .contains("Unknown");
    gw.clock.advance(Duration.ofMinutes(6)); // the offer expired
    assertThat(callback(wr, foreignInvoice(1_000_000, Bolt11Network.REGTEST)).getString("reason"))
        .contains("expired");
    assertThat(gw.count("ledger_journals")).isEqualTo(journals);
    assertThat(f.card(cardId)).isEqualTo(5_000);
    // the reader of a forged tap learns nothing
    assertThat(http.get("/boltcard?p=" + sim.p(2) + "&c=0000000000000000", null).json().getString("status"))
        .isEqualTo("ERROR");
  }

  @Test
  void anInvoiceOfOurOwnIsSettledInsideTheLedger() {
    JsonObject card = cardWith(10_000);
    String cardId = card.getString("id");
    String merchant = gw.createStore("Shop");
    String inv = f.invoice(merchant, 2_500).getString("id");
    String pr = http.get("/api/v1/stores/" + merchant + "/invoices/" + inv + "/payment-methods", CardFixture.ADMIN)
        .array().stream().map(o -> (JsonObject) o).filter(m -> m.getString("paymentMethodId").equals("BTC-LN"))
        .findFirst().orElseThrow().getString("destination");
    JsonObject wr = withdrawRequest(CardFixture.simulator(card), 1);
    assertThat(callback(wr, pr).getString("status")).isEqualTo("OK");
    assertThat(f.invoiceStatus(merchant, inv)).isEqualTo("Settled");
    assertThat(f.card(cardId)).isEqualTo(7_500);
    assertThat(f.ledger("store:" + merchant)).isEqualTo(2_500);
    assertThat(gw.sql("SELECT 1 FROM lightning_payouts WHERE payment_hash = $1", Bolt11.decode(pr).paymentHashHex()))
        .isEmpty(); // no Lightning hop
    assertThat(gw.sql("SELECT payment_method_id FROM invoice_payments WHERE invoice_id = $1", inv))
        .extracting(j -> j.getString("payment_method_id")).containsExactly("FLASH-CARD");
  }

  @Test
  void lnurlPayTopsUpTheCard() {
    JsonObject card = f.issue(store, 20_000, 100_000);
    String cardId = card.getString("id");
    CardSimulator sim = CardFixture.simulator(card);
    JsonObject pr = http.get("/boltcard/pay?p=" + sim.p(1), null).json();
    assertThat(pr.getString("tag")).isEqualTo("payRequest");
    assertThat(pr.getLong("minSendable")).isEqualTo(1_000L);
    assertThat(new io.vertx.core.json.JsonArray(pr.getString("metadata")).getJsonArray(0).getString(0))
        .isEqualTo("text/plain");
    String cb = pr.getString("callback");
    JsonObject invoice = http.get(cb.substring(cb.indexOf("/boltcard")) + "&amount=21000000", null).json();
    assertThat(invoice.getJsonArray("routes")).isEmpty();
    String bolt11 = invoice.getString("pr");
    Bolt11Invoice decoded = Bolt11.decode(bolt11);
    assertThat(decoded.amountMsat().getAsLong()).isEqualTo(21_000_000L);
    // LUD-06: the BOLT11 (signed by the LND simulator from AddInvoice's description_hash) commits to
    // the metadata string exactly as served, by h and without d
    assertThat(decoded.descriptionHash().map(HexFormat.of()::formatHex))
        .hasValue(HexFormat.of().formatHex(Sha256.of(pr.getString("metadata"))));
    assertThat(decoded.description()).isEmpty();
    assertThat(http.get(cb.substring(cb.indexOf("/boltcard")) + "&amount=1500", null).json().getString("status"))
        .isEqualTo("ERROR"); // not whole sats
    Http.Response paid = http.post("/api/v1/dev/lightning/pay", new JsonObject().put("paymentRequest", bolt11).encode(),
        CardFixture.ADMIN);
    assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
    Eventually.until("card credited", () -> f.card(cardId) == 21_000);
    assertThat(http.get("/boltcard/pay?p=" + URLEncoder.encode("zz", StandardCharsets.UTF_8), null).json()
        .getString("status")).isEqualTo("ERROR");
  }
}
