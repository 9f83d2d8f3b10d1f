package me.flashapp.gateway.testing;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for asynchronous work (a ZMQ message processed, a stream event applied) by polling a
 * condition with a generous bound. It asserts an outcome, never a duration: the bound only keeps
 * a broken test from hanging.
 */
public final class Eventually {
  public static final long DEFAULT_BOUND_MILLIS = 30_000;

  private Eventually() {}

  /** Returns the first non-null value {@code probe} yields; fails after the bound. */
  public static <T> T get(String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + DEFAULT_BOUND_MILLIS * 1_000_000;
    Throwable last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        T v = probe.get();
        if (v != null && !Boolean.FALSE.equals(v)) {
          return v;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      LockSupport.parkNanos(20_000_000);
    }
    throw new AssertionError("never happened: " + what, last);
  }

  public static void until(String what, Supplier<Boolean> condition) {
    get(what, condition);
  }
}
