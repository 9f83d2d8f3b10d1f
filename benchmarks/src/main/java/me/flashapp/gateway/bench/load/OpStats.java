package me.flashapp.gateway.bench.load;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The figures of one operation: successes, errors (with a few sample messages) and, for operations
 * that have one, a latency histogram in microseconds. Latencies are always measured from the
 * operation's intended start, never from when it actually went out, so queueing in the generator
 * or the server shows up instead of being hidden (coordinated omission).
 *
 * <p>Any thread may record (HdrHistogram {@link Recorder}); one thread, the progress loop, calls
 * {@link #sampleInterval()} to fold the last interval into the run's total.
 *
 * <p>The warmup records too, into {@link #in in(false)}: a twin of the same class that the report
 * never reads. So the warmup runs the very code the measured window runs (the recording, the
 * progress line's percentiles), the JIT has compiled it by the time the window opens, and the
 * progress line shows the warmup's own figures while it lasts. (The window's first seconds kept
 * their higher tail all the same: that is not the generator compiling; docs/benchmarks.md,
 * fifteenth session.)
 */
final class OpStats {
  /** Latencies beyond this (in microseconds) are clamped: a minute already means "broken". */
  static final long HIGHEST_MICROS = 120_000_000L;
  private static final int MAX_ERROR_SAMPLES = 20;

  final String name;
  final boolean hasLatency;
  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
  private Histogram interval;
  private final LongAdder ok = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorSamples = new ConcurrentHashMap<>();
  private long lastOk;
  /** Where the warmup records ({@code this} for the twin itself). */
  private final OpStats warmup;

  OpStats(String name, boolean hasLatency) {
    this.name = name;
    this.hasLatency = hasLatency;
    this.warmup = new OpStats(this);
  }

  /** The warmup's twin of {@code measured}. */
  private OpStats(OpStats measured) {
    this.name = measured.name;
    this.hasLatency = measured.hasLatency;
    this.warmup = this;
  }

  /** These figures for an operation of the measured window, the warmup's twin otherwise. */
  OpStats in(boolean measured) {
    return measured ? this : warmup;
  }

  /** A success whose latency runs from {@code intendedNanos} (System.nanoTime) to now. */
  void success(long intendedNanos) {
    successAt(intendedNanos, System.nanoTime());
  }

  /** A success whose latency runs from {@code intendedNanos} to {@code atNanos} (both System.nanoTime). */
  void successAt(long intendedNanos, long atNanos) {
    long micros = Math.max(0, (atNanos - intendedNanos) / 1000);
    recorder.recordValue(Math.min(micros, HIGHEST_MICROS));
    ok.increment();
  }

  /** A success without a latency (e.g. an event received). */
  void count() {
    ok.increment();
  }

  void error(String why) {
    errors.increment();
    // Keep a few distinct messages so a failed run says why without flooding the console.
    if (errorSamples.size() < MAX_ERROR_SAMPLES || errorSamples.containsKey(why)) {
      errorSamples.computeIfAbsent(why, k -> new LongAdder()).increment();
    }
  }

  long ok() {
    return ok.sum();
  }

  long errors() {
    return errors.sum();
  }

  Map<String, LongAdder> errorSamples() {
    return errorSamples;
  }

  /** Folds what was recorded since the last call into the total; returns that interval. Single caller. */
  synchronized Histogram sampleInterval() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return interval;
  }

  /** Successes since the previous call (for the per-second progress line). Single caller. */
  synchronized long okSinceLastCall() {
    long cur = ok.sum();
    long d = cur - lastOk;
    lastOk = cur;
    return d;
  }

  synchronized Histogram total() {
    return total;
  }

  /** The summary of this operation over {@code seconds} of measurement. */
  synchronized JsonObject summary(double seconds) {
    JsonObject s = new JsonObject()
        .put("ok", ok.sum())
        .put("errors", errors.sum())
        .put("throughputPerSecond", round(ok.sum() / seconds, 1));
    if (hasLatency) {
      s.put("p50ms", ms(total.getValueAtPercentile(50)))
          .put("p90ms", ms(total.getValueAtPercentile(90)))
          .put("p99ms", ms(total.getValueAtPercentile(99)))
          .put("p999ms", ms(total.getValueAtPercentile(99.9)))
          .put("maxMs", ms(total.getMaxValue()))
          .put("samples", total.getTotalCount());
    }
    if (!errorSamples.isEmpty()) {
      JsonObject samples = new JsonObject();
      errorSamples.forEach((k, v) -> samples.put(k, v.sum()));
      s.put("errorSamples", samples);
    }
    return s;
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
