package me.flashapp.gateway.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Card taps at a constant rate on POS sockets (docs/pos-websocket.md, "Card payments"). Each tap
 * has an intended time; {@link Payments#LEAD_NANOS} before it the generator creates the invoice it
 * pays (operation {@code payment-prepare}), then at the tap time it sends a {@code cardPayment}
 * frame with the next card's fresh {@code p}/{@code c} on that card's reader. Operation
 * {@code card-tap}: from the intended tap time to the {@code cardPaymentResult} frame; a
 * {@code declined} result is an error whose sample message is its reason ({@code card-tap-sent}:
 * the same from the actual send, see {@link #sent}). With terminals, the
 * invoice's {@code InvoiceSettled} is expected there too (operation {@code settlement}).
 *
 * <p>Staying under the gateway's tap rate limits, so they are not what is measured: taps go to the
 * cards in turn and there are {@link #cardsFor} cards, so each card taps at most every
 * {@link #SECONDS_BETWEEN_TAPS_OF_A_CARD} s (the per-card bucket refills 1 per second); and there
 * are {@link #readersFor} readers, each sending at most {@link #TAPS_PER_READER} per second (the
 * per-client bucket refills 20 per second; see {@link CardReaders} for the addresses).
 */
final class CardPayments {
  static final double TAPS_PER_READER = 10;
  static final double SECONDS_BETWEEN_TAPS_OF_A_CARD = 2;

  final OpStats prepare = new OpStats("payment-prepare", true);
  final OpStats taps;
  /**
   * From the moment the frame actually went out to its result: the gateway's handling alone. Not
   * corrected for coordinated omission (a tap sent late because its invoice was late starts late),
   * so it says where the time of {@code card-tap} went, never how fast taps are.
   */
  final OpStats sent = new OpStats("card-tap-sent", true);
  private final GatewayApi api;
  private final Settlements settlements;
  private final boolean observed;
  private final String invoicesPath;
  private final List<SimulatedCard> cards;
  private final CardReaders readers;
  private final AtomicLong launched = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  /** Set when the drain ends: what is still in flight was counted as unanswered and must not count again. */
  private boolean abandoned;
  private long sequence;

  /** @param observed whether terminals watch the store (then each tap's InvoiceSettled is expected) */
  CardPayments(GatewayApi api, Settlements settlements, boolean observed, String storeId, List<SimulatedCard> cards,
      CardReaders readers, OpStats taps) {
    this.api = api;
    this.settlements = settlements;
    this.observed = observed;
    this.invoicesPath = "/api/v1/stores/" + storeId + "/invoices";
    this.cards = cards;
    this.readers = readers;
    this.taps = taps;
  }

  /**
   * Everything taps need before the run: issues and funds {@link #cardsFor} cards (each with twice
   * what it can spend at the run's rate and length), opens {@link #readersFor} readers.
   */
  /** A reader the gateway has not authenticated by then is not coming: fail the run, do not hang it. */
  static final long READERS_TIMEOUT_SECONDS = 60;

  static CardPayments setUp(Vertx vertx, GatewayApi api, LoadOptions o, String storeId, Settlements settlements,
      boolean observed, PrintStream out) throws Exception {
    double rate = o.payments();
    long amount = Long.parseLong(Payments.AMOUNT_SATS);
    long fund = 2 * amount * tapsPerCard(rate, o.warmupSeconds() + o.durationSeconds());
    out.printf("issuing %d cards, %d sats each%n", cardsFor(rate), fund);
    List<SimulatedCard> cards = CardFleet.issue(api, storeId, cardsFor(rate), fund, amount, out);
    OpStats taps = new OpStats("card-tap", true);
    CardReaders readers;
    try {
      readers = CardReaders.open(vertx, api, o.key(), storeId, readersFor(rate), taps)
          .toCompletionStage().toCompletableFuture().get(READERS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("card readers not authenticated within " + READERS_TIMEOUT_SECONDS
          + " s: the gateway did not answer their POS sockets", e);
    }
    out.printf("%d card readers open%s%n", readers.size(), readers.ownAddresses ? ", each from its own loopback address"
        : "; all share this machine's address: above 20 taps/s the gateway's per-client limit declines taps");
    return new CardPayments(api, settlements, observed, storeId, cards, readers, taps);
  }

  /** The set-up, for the summary. */
  JsonObject describe() {
    return new JsonObject().put("cards", cards.size()).put("readers", readers.size())
        .put("ownAddresses", readers.ownAddresses);
  }

  Future<Void> close() {
    return readers.close();
  }

  /** Readers needed for {@code rate} taps per second. */
  static int readersFor(double rate) {
    return (int) Math.max(1, Math.ceil(rate / TAPS_PER_READER));
  }

  /** Cards needed for {@code rate} taps per second: a multiple of the readers, so each card keeps one reader. */
  static int cardsFor(double rate) {
    int readers = readersFor(rate);
    int cards = (int) Math.max(1, Math.ceil(rate * SECONDS_BETWEEN_TAPS_OF_A_CARD));
    return (cards + readers - 1) / readers * readers;
  }

  /** How many taps one card makes at most when {@code rate} taps per second run for {@code seconds}. */
  static long tapsPerCard(double rate, int seconds) {
    return (long) Math.ceil(rate * seconds / cardsFor(rate)) + 1;
  }

  /** Taps intended in [from + lead, until); those intended at or after {@code measureFrom} count. */
  Future<Void> start(Vertx vertx, double rate, double warmupRate, long from, long measureFrom, long until) {
    return OpenLoop.run(vertx, rate * warmupRate, rate, from, measureFrom - Payments.LEAD_NANOS,
        until - Payments.LEAD_NANOS, fire -> {
      long tapAt = fire + Payments.LEAD_NANOS;
      boolean measured = tapAt >= measureFrom;
      long n = sequence++; // OpenLoop fires on one context
      if (measured) {
        launched.incrementAndGet();
      }
      JsonObject body = new JsonObject().put("amount", Payments.AMOUNT_SATS).put("currency", "SATS");
      api.post(invoicesPath, body).onComplete(ar -> {
        if (ar.failed()) {
          record(measured, () -> prepare.in(measured).error(GatewayApi.describe(ar.cause())));
          return;
        }
        prepare.in(measured).success(fire);
        String invoiceId = ar.result().getString("id");
        // Rounded up: a tap sent before its intended time would make its latency look better than it was.
        long delayMillis = (tapAt - System.nanoTime() + 999_999) / 1_000_000;
        if (delayMillis < 1) {
          tap(n, invoiceId, tapAt, measured);
        } else {
          vertx.setTimer(delayMillis, id -> tap(n, invoiceId, tapAt, measured));
        }
      });
    });
  }

  private void tap(long n, String invoiceId, long tapAt, boolean measured) {
    synchronized (this) {
      if (abandoned) {
        return; // the readers are closing
      }
    }
    int cardIndex = (int) (n % cards.size());
    SimulatedCard card = cards.get(cardIndex);
    if (observed) {
      settlements.expect(invoiceId, tapAt, false, measured);
    }
    // The counter is taken now, at sending, so a late preparation cannot send an older counter after a newer one.
    long sentAt = System.nanoTime();
    readers.tap(cardIndex % readers.size(), "tap-" + n, invoiceId, card.tap()).onComplete(ar -> {
      String declined = ar.failed() ? GatewayApi.describe(ar.cause())
          : "settled".equals(ar.result().getString("status")) ? null : "declined: " + ar.result().getString("reason");
      if (declined != null && observed) {
        settlements.forget(invoiceId);
      }
      long now = System.nanoTime();
      record(measured, () -> {
        if (declined == null) {
          taps.in(measured).successAt(tapAt, now);
          sent.in(measured).successAt(sentAt, now);
        } else {
          taps.in(measured).error(declined);
        }
      });
    });
  }

  /** Records a tap's outcome: a measured one through {@link #finish}, a warmup one as it comes. */
  private void record(boolean measured, Runnable record) {
    if (measured) {
      finish(record);
    } else {
      record.run();
    }
  }

  /** Records a measured tap's outcome, unless the drain has ended and counted it as unanswered. */
  private synchronized void finish(Runnable record) {
    if (!abandoned) {
      record.run();
      finished.incrementAndGet();
    }
  }

  /** At the end of the drain: stops counting; returns the measured taps that never finished. */
  synchronized long abandon() {
    abandoned = true;
    return inFlight();
  }

  /** Measured taps still being prepared or waiting for their result. */
  long inFlight() {
    return launched.get() - finished.get();
  }
}
