package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import me.flashapp.gateway.testing.MutableClock;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  @Test
  void allowsABurstThenRefillsWithTheClock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    TokenBuckets buckets = new TokenBuckets(clock, 3, 1, 1000);
    assertThat(buckets.tryTake("card")).isTrue();
    assertThat(buckets.tryTake("card")).isTrue();
    assertThat(buckets.tryTake("card")).isTrue();
    assertThat(buckets.tryTake("card")).isFalse();
    assertThat(buckets.tryTake("other")).isTrue(); // keys are independent
    clock.advance(Duration.ofSeconds(1));
    assertThat(buckets.tryTake("card")).isTrue();
    assertThat(buckets.tryTake("card")).isFalse();
    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(buckets.tryTake("card")).isTrue(); // never more than the capacity
    }
    assertThat(buckets.tryTake("card")).isFalse();
  }

  @Test
  void dropsFullBucketsWhenPastTheKeyBound() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    TokenBuckets buckets = new TokenBuckets(clock, 1, 1, 2);
    for (int i = 0; i < 10; i++) {
      assertThat(buckets.tryTake("k" + i)).isTrue();
      clock.advance(Duration.ofSeconds(2));
    }
  }
}
