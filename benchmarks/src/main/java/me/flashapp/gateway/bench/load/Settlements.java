package me.flashapp.gateway.bench.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end settlement latency: from a payment's intended injection time to the moment a terminal
 * receives the event that the invoice is paid, matched by {@code invoiceId}. For Lightning that
 * event is {@code InvoiceSettled}; on-chain it is {@code InvoiceProcessing} (the transaction seen in
 * the mempool; {@code InvoiceSettled} also counts should it come first). Operation
 * {@code settlement}: the first terminal to receive it. Operation {@code settlement-fanout}: every
 * terminal receiving it, so its tail shows the slowest terminal.
 */
final class Settlements implements Terminals.EventSink {
  final OpStats settlement = new OpStats("settlement", true);
  final OpStats fanout = new OpStats("settlement-fanout", true);
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong expected = new AtomicLong();
  private final AtomicLong seen = new AtomicLong();

  private static final class Pending {
    final long injectAt;
    final boolean chain;
    final boolean measured;
    volatile String firstType;

    Pending(long injectAt, boolean chain, boolean measured) {
      this.injectAt = injectAt;
      this.chain = chain;
      this.measured = measured;
    }
  }

  /** Registered before the payment is sent: its event may arrive before the dev endpoint answers. */
  void expect(String invoiceId, long injectAt, boolean chain, boolean measured) {
    pending.put(invoiceId, new Pending(injectAt, chain, measured));
    if (measured) {
      expected.incrementAndGet();
    }
  }

  /** The injection failed (counted by payment-inject): no event to wait for. */
  void forget(String invoiceId) {
    Pending p = pending.remove(invoiceId);
    if (p != null && p.measured && p.firstType == null) {
      expected.decrementAndGet();
    }
  }

  @Override
  public void onEvent(String type, String invoiceId, long receivedNanos) {
    if (!"InvoiceSettled".equals(type) && !"InvoiceProcessing".equals(type)) {
      return;
    }
    Pending p = invoiceId == null ? null : pending.get(invoiceId);
    if (p == null || (!p.chain && !"InvoiceSettled".equals(type))) {
      return;
    }
    boolean first = false;
    synchronized (p) {
      if (p.firstType == null) {
        p.firstType = type;
        first = true;
      }
    }
    // Fan-out counts only the type that settled it first, so a chain payment's later
    // InvoiceSettled is not counted twice per terminal.
    if (!type.equals(p.firstType)) {
      return;
    }
    if (first) {
      settlement.in(p.measured).successAt(p.injectAt, receivedNanos);
      if (p.measured) {
        seen.incrementAndGet();
      }
    }
    fanout.in(p.measured).successAt(p.injectAt, receivedNanos);
  }

  /** Measured payments injected whose event has not arrived yet. */
  long outstanding() {
    return expected.get() - seen.get();
  }

  /** At the end of the drain: every payment still without its event is an error. */
  void expireOutstanding() {
    pending.values().stream().filter(p -> p.measured && p.firstType == null).forEach(p ->
        settlement.error("no " + (p.chain ? "InvoiceProcessing" : "InvoiceSettled") + " event before the drain ended"));
  }
}
