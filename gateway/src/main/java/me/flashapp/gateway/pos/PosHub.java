package me.flashapp.gateway.pos;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import me.flashapp.gateway.api.GatewayMetrics;
import me.flashapp.gateway.events.PublishedEvent;

/**
 * This node's fan-out of published events to WebSockets (POS terminals by store, checkout pages by
 * invoice).
 *
 * <p>Timed as {@code gateway_pos_push_seconds}: from the event's commit
 * ({@link PublishedEvent#committedNanos}) to its frame handed to the socket of every terminal of
 * its store on one event loop (one sample per event and event loop that has such terminals; a
 * terminal still replaying its backlog buffers the event instead and is not waited for).
 *
 * <p>Sockets live on the event loops of the several HTTP verticle instances. Each context gets its
 * own registry, touched only on that context, so there are no locks on the hot path: publishing a
 * batch posts one task per context, which walks its own subscribers. Frames are built once per
 * event ({@link PublishedEvent#frame()}) and shared by every subscriber.
 */
public final class PosHub implements Consumer<List<PublishedEvent>> {

  /** A subscriber, called on the context it registered from. */
  public interface Subscriber {
    void onEvent(PublishedEvent event);
  }

  private static final class Local {
    final Context context;
    final Map<String, List<Subscriber>> byKey = new HashMap<>();
    final Timer push;

    Local(Context context, Timer push) {
      this.context = context;
      this.push = push;
    }

    void deliver(List<PublishedEvent> events) {
      for (PublishedEvent e : events) {
        List<Subscriber> terminals = byKey.get(storeKey(e.storeId()));
        if (terminals != null) {
          notify(terminals, e);
          push.record(System.nanoTime() - e.committedNanos(), TimeUnit.NANOSECONDS);
        }
        if (e.invoiceId() != null) {
          notify(byKey.get(invoiceKey(e.invoiceId())), e);
        }
      }
    }

    private static void notify(List<Subscriber> subs, PublishedEvent e) {
      if (subs == null) {
        return;
      }
      // a copy: a subscriber may unsubscribe (close) while being notified
      for (Subscriber s : subs.toArray(Subscriber[]::new)) {
        s.onEvent(e);
      }
    }
  }

  private final ConcurrentHashMap<Context, Local> locals = new ConcurrentHashMap<>();
  private final Timer push;

  /** A hub whose push times go nowhere (tests). */
  public PosHub() {
    this(new SimpleMeterRegistry());
  }

  public PosHub(MeterRegistry meters) {
    this.push = Timer.builder("gateway.pos.push")
        .description("event committed -> its frame handed to every terminal of its store (per event loop)")
        .serviceLevelObjectives(GatewayMetrics.BUCKETS)
        .register(meters);
  }

  static String storeKey(String storeId) {
    return "s:" + storeId;
  }

  static String invoiceKey(String invoiceId) {
    return "i:" + invoiceId;
  }

  /** Registers on the current context (must be called on it); returns the unregistration. */
  public Runnable subscribeStore(Context context, String storeId, Subscriber s) {
    return subscribe(context, storeKey(storeId), s);
  }

  public Runnable subscribeInvoice(Context context, String invoiceId, Subscriber s) {
    return subscribe(context, invoiceKey(invoiceId), s);
  }

  private Runnable subscribe(Context context, String key, Subscriber s) {
    // Vert.x runs each HTTP request (and so each socket) on a duplicate of its event loop's
    // context; keyed by those, the registry would gain an entry per connection, forever. Key by the
    // event loop's own context: one registry, and one delivery task per batch, per event loop.
    Context root = context instanceof ContextInternal ci ? ci.unwrap() : context;
    Local local = locals.computeIfAbsent(root, c -> new Local(c, push));
    local.byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    return () -> {
      List<Subscriber> list = local.byKey.get(key);
      if (list != null && list.remove(s) && list.isEmpty()) {
        local.byKey.remove(key);
      }
    };
  }

  @Override
  public void accept(List<PublishedEvent> events) {
    for (Local local : locals.values()) {
      local.context.runOnContext(v -> local.deliver(events));
    }
  }
}
