package me.flashapp.gateway.lightning;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.api.GatewayMetrics;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.events.PublishedEvent;

/**
 * How long a Lightning settlement takes inside the gateway: from LND's settle notification
 * reaching the listener's context to the invoice's {@code InvoiceSettled} event being published
 * (its settlement transaction committed, the event numbered and handed to the POS hub and the
 * webhook queue). Exposed at {@code /metrics} as {@code gateway_lightning_settle_publish_seconds}
 * with p50/p90/p99/p99.9 over a two-minute window; the load generator's end-to-end settlement
 * latency adds the simulator, the dev endpoint and the terminal's socket to this. Beside it, how
 * the settlements were grouped: {@code gateway_lightning_settlement_commits_total} and
 * {@code gateway_lightning_settlements_total}.
 */
public final class SettleLatency {
  /** Notifications whose invoice never settles (a partial payment) must not pile up forever. */
  static final int MAX_PENDING = 100_000;
  static final long STALE_NANOS = TimeUnit.MINUTES.toNanos(1);
  private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
  private final Timer timer;
  private final Counter commits;
  private final Counter settlements;

  public SettleLatency(MeterRegistry registry) {
    this.timer = Timer.builder("gateway.lightning.settle.publish")
        .description("LND settle notification received -> InvoiceSettled event published")
        .serviceLevelObjectives(GatewayMetrics.BUCKETS)
        .register(registry);
    this.commits = Counter.builder("gateway.lightning.settlement.commits")
        .description("Committed transactions that applied Lightning settlements (a group commit counts once)")
        .register(registry);
    this.settlements = Counter.builder("gateway.lightning.settlements")
        .description("Lightning settle notifications applied (ratio to the commits: the mean group)")
        .register(registry);
  }

  /** A transaction that applied {@code settlements} settle notifications committed. */
  void committed(int settlements) {
    commits.increment();
    this.settlements.increment(settlements);
  }

  /** The settle notification of a payment toward {@code invoiceId} arrived at {@code nanoTime}. */
  void notified(String invoiceId, long nanoTime) {
    if (pending.size() >= MAX_PENDING) {
      // those a minute old will not be published any more (partial payments): forget only them
      pending.values().removeIf(t -> nanoTime - t > STALE_NANOS);
    }
    if (pending.size() < MAX_PENDING) {
      pending.putIfAbsent(invoiceId, nanoTime);
    }
  }

  /** Dispatcher listener: times each published InvoiceSettled that a notification led to. */
  public void published(List<PublishedEvent> events) {
    long now = System.nanoTime();
    for (PublishedEvent e : events) {
      if (e.invoiceId() != null && EventType.InvoiceSettled.name().equals(e.type())) {
        Long since = pending.remove(e.invoiceId());
        if (since != null) {
          timer.record(now - since, TimeUnit.NANOSECONDS);
        }
      }
    }
  }
}
