package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.events.PublishedEvent;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

class PosHubTest {
  @Test
  void socketsOnDuplicateContextsShareTheirEventLoopsRegistry() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PosHub hub = new PosHub();
      ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
      List<String> got = new CopyOnWriteArrayList<>();
      Runnable[] unsubscribe = new Runnable[100];
      for (int i = 0; i < 100; i++) {
        Context perRequest = loop.duplicate(); // what each HTTP request / WebSocket runs on
        int n = i;
        unsubscribe[i] = hub.subscribeStore(perRequest, "store", e -> got.add(n + ":" + e.storeId()));
      }
      assertThat(registrySize(hub)).isEqualTo(1);

      hub.accept(List.of(new PublishedEvent(1, "store", 1, "InvoiceCreated", "inv", "{}")));
      Eventually.until("100 deliveries", () -> got.size() == 100);

      for (Runnable r : unsubscribe) {
        r.run();
      }
      got.clear();
      hub.accept(List.of(new PublishedEvent(2, "store", 2, "InvoiceCreated", "inv", "{}")));
      // a marker subscriber proves the batch was delivered before we look
      List<String> marker = new CopyOnWriteArrayList<>();
      hub.subscribeStore(loop.duplicate(), "store", e -> marker.add(e.storeId()));
      hub.accept(List.of(new PublishedEvent(3, "store", 3, "InvoiceCreated", "inv", "{}")));
      Eventually.until("marker delivery", () -> !marker.isEmpty());
      assertThat(got).isEmpty();
    } finally {
      TestGateway.await(vertx.close());
    }
  }

  @Test
  void eachEventIsTimedFromItsCommitOnceItsStoresTerminalsOnAnEventLoopHaveIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      PosHub hub = new PosHub(meters);
      ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
      List<String> got = new CopyOnWriteArrayList<>();
      hub.subscribeStore(loop.duplicate(), "a", e -> got.add("t1:" + e.seq()));
      hub.subscribeStore(loop.duplicate(), "a", e -> got.add("t2:" + e.seq()));
      hub.subscribeInvoice(loop.duplicate(), "inv-b", e -> got.add("checkout:" + e.seq()));
      Timer push = meters.get("gateway.pos.push").timer();
      long committed = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(50); // committed 50 ms ago

      hub.accept(List.of(new PublishedEvent(1, "a", 1, "InvoiceCreated", "inv-a", "{}", committed),
          new PublishedEvent(2, "a", 2, "InvoiceSettled", "inv-a", "{}", committed),
          // store b has no terminal here (only a checkout page of one of its invoices): not a push
          new PublishedEvent(3, "b", 1, "InvoiceCreated", "inv-b", "{}", committed)));
      Eventually.until("three deliveries", () -> got.size() == 5);

      assertThat(got).containsExactly("t1:1", "t2:1", "t1:2", "t2:2", "checkout:1");
      // one sample per event of a store with terminals on this event loop, both terminals included
      assertThat(push.count()).isEqualTo(2);
      // each runs from its commit, 50 ms before the hub got it, to after both frames were handed over
      assertThat(push.totalTime(TimeUnit.NANOSECONDS)).isGreaterThanOrEqualTo(2 * TimeUnit.MILLISECONDS.toNanos(50));
    } finally {
      TestGateway.await(vertx.close());
    }
  }

  private static int registrySize(PosHub hub) throws Exception {
    Field f = PosHub.class.getDeclaredField("locals");
    f.setAccessible(true);
    return ((Map<?, ?>) f.get(hub)).size();
  }
}
