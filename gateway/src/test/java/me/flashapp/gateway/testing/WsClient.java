package me.flashapp.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A blocking WebSocket client for tests (java.net.http): frames are queued, the close code kept. */
public final class WsClient implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket ws;

  private WsClient(int port, String path, String token) {
    WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "token " + token);
    }
    this.ws = b.buildAsync(URI.create("ws://localhost:" + port + path), new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          frames.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
      }

      @Override
      public void onError(WebSocket w, Throwable error) {
        closed.complete(-1);
      }
    }).join();
  }

  public static WsClient connect(int port, String path, String token) {
    return new WsClient(port, path, token);
  }

  public WsClient send(String text) {
    ws.sendText(text, true).join();
    return this;
  }

  public WsClient send(JsonObject msg) {
    return send(msg.encode());
  }

  /** The next frame (waits up to the Eventually bound; fails if none comes). */
  public JsonObject next() {
    try {
      JsonObject f = frames.poll(Eventually.DEFAULT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame arrived");
      }
      return f;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame of the given type, skipping others. */
  public JsonObject next(String type) {
    while (true) {
      JsonObject f = next();
      if (type.equals(f.getString("type"))) {
        return f;
      }
    }
  }

  /** The next {@code n} event frames. */
  public List<JsonObject> events(int n) {
    List<JsonObject> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(next("event"));
    }
    return out;
  }

  /** Frames received and not yet read. */
  public List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** The close code the server sent (waits for it). */
  public int closeCode() {
    try {
      return closed.get(Eventually.DEFAULT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed", e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** Authenticated by header and subscribed: waits for "authenticated" and the first reply. */
  public static WsClient terminal(int port, String storeId, String token, Long since) {
    WsClient c = connect(port, "/api/v1/stores/" + storeId + "/ws", token);
    c.next("authenticated");
    c.send(since == null ? new JsonObject().put("type", "subscribe") : new JsonObject().put("type", "subscribe").put("since", since));
    if (since == null) {
      c.next("subscribed");
    }
    return c;
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }
}
