package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static int registrySize(PosHub hub) throws Exception {
    Field f = PosHub.class.getDeclaredField("locals");
    f.setAccessible(true);
    return ((Map<?, ?>) f.get(hub)).size();
  }
}
