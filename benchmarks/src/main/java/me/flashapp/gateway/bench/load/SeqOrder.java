package me.flashapp.gateway.bench.load;

/**
 * The gateway's promise to a subscribed terminal: event {@code seq}s 1, 2, 3, … with no gap and no
 * duplicate (docs/pos-websocket.md). One per terminal, fed every event frame's seq in arrival
 * order; not thread-safe (a terminal's frames arrive on its own context).
 */
final class SeqOrder {
  private long last;

  /** Takes the next frame's seq; returns null when it is the expected one, else what is wrong. */
  String next(long seq) {
    if (seq == last + 1) {
      last = seq;
      return null;
    }
    if (seq <= last) {
      return "duplicate seq " + seq + " after " + last;
    }
    String gap = "seq gap: " + seq + " after " + last;
    last = seq;
    return gap;
  }
}
