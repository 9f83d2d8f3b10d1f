package me.flashapp.gateway.card;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory token buckets keyed by a string (a card id, a client address). Each key may spend up
 * to {@code capacity} at once and regains {@code refillPerSecond} per second of the clock.
 *
 * <p>Per node and lost on restart: good enough to slow down a scripted tap replayer or a balance
 * page scraper, not an accounting control (the counter and the ledger are). Memory is bounded by
 * dropping full buckets once the map passes {@code maxKeys}: a full bucket equals a fresh one.
 */
public final class TokenBuckets {
  private final Clock clock;
  private final double capacity;
  private final double refillPerSecond;
  private final int maxKeys;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }

  public TokenBuckets(Clock clock, int capacity, double refillPerSecond, int maxKeys) {
    this.clock = clock;
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
    this.maxKeys = maxKeys;
  }

  /** Takes one token for {@code key}; false when its bucket is empty (the caller refuses the request). */
  public boolean tryTake(String key) {
    long now = nanos();
    if (buckets.size() > maxKeys) {
      buckets.values().removeIf(b -> {
        synchronized (b) {
          return refilled(b, now) >= capacity;
        }
      });
    }
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
    synchronized (b) {
      b.tokens = refilled(b, now);
      b.lastNanos = Math.max(b.lastNanos, now);
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  private double refilled(Bucket b, long now) {
    double elapsedSeconds = Math.max(0, now - b.lastNanos) / 1e9;
    return Math.min(capacity, b.tokens + elapsedSeconds * refillPerSecond);
  }

  private long nanos() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
