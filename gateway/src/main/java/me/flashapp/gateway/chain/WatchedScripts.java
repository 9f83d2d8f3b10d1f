package me.flashapp.gateway.chain;

import io.vertx.core.Context;
import java.util.HashMap;
import java.util.Map;
import me.flashapp.gateway.bitcoin.ScriptIndex;

/**
 * The scripts the gateway watches: the zero-copy {@link ScriptIndex} from scriptPubKey bytes to a
 * row id, and what each id pays (invoice, address).
 *
 * <p>Confined to one Vert.x context (the chain listener's): writers on other threads (an HTTP
 * event loop allocating an address) hand the write over with {@link #add}, so lookups on the hot
 * path need no lock.
 */
public final class WatchedScripts {
  /** What a watched script belongs to. */
  public record Watched(String invoiceId, String address) {}

  private final Context context;
  private final ScriptIndex index = new ScriptIndex(1024);
  private final Map<Long, Watched> byId = new HashMap<>();

  public WatchedScripts(Context context) {
    this.context = context;
  }

  public Context context() {
    return context;
  }

  /** Adds a script from any thread; it is in place before any later task on the owning context runs. */
  public void add(byte[] script, long id, Watched w) {
    if (Context.isOnVertxThread() && context == io.vertx.core.Vertx.currentContext()) {
      put(script, id, w);
    } else {
      byte[] copy = script.clone();
      context.runOnContext(v -> put(copy, id, w));
    }
  }

  private void put(byte[] script, long id, Watched w) {
    index.put(script, id);
    byId.put(id, w);
  }

  /** The watched script at {@code arr[off..off+len)}, or null; never allocates on a miss. Owning context only. */
  public Watched match(byte[] arr, int off, int len) {
    long id = index.get(arr, off, len);
    return id < 0 ? null : byId.get(id);
  }

  public int size() {
    return index.size();
  }
}
