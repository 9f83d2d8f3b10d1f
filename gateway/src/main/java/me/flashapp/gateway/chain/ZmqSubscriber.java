package me.flashapp.gateway.chain;

import io.vertx.core.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Subscribes to bitcoind's ZMQ notifications ({@code rawtx}, {@code rawblock}, {@code sequence})
 * on a dedicated named thread, since a ZMQ receive blocks; each well-formed message is handed to
 * the listener's Vert.x context. Frames are {@code topic | body | uint32 LE sequence}; anything
 * else is logged and skipped so a bad frame never stops the loop.
 */
public final class ZmqSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(ZmqSubscriber.class);

  /** Receives messages on the listener's context. */
  public interface Sink {
    void message(String topic, byte[] body, long sequence);
  }

  private final Map<String, List<String>> endpointsTopics = new LinkedHashMap<>();
  private final Context context;
  private final Sink sink;
  private final Runnable connectionChanged;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param topicEndpoints topic → endpoint ({@code tcp://127.0.0.1:28332}); topics may share one
   * @param connectionChanged run on the context when a connection to bitcoind is made or lost: the
   *     listener catches up then (whatever was published meanwhile is gone) or learns it is down
   */
  public ZmqSubscriber(Map<String, String> topicEndpoints, Context context, Sink sink, Runnable connectionChanged) {
    topicEndpoints.forEach((topic, ep) -> endpointsTopics.computeIfAbsent(ep, k -> new java.util.ArrayList<>()).add(topic));
    this.context = context;
    this.sink = sink;
    this.connectionChanged = connectionChanged;
  }

  /** Starts the reader thread; the socket is connected before this returns. */
  public synchronized void start() {
    running = true;
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    thread = new Thread(() -> run(connected), "bitcoind-zmq");
    thread.setDaemon(true);
    thread.start();
    try {
      connected.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(java.util.concurrent.CountDownLatch connected) {
    try (ZContext zmq = new ZContext()) {
      ZMQ.Socket socket = zmq.createSocket(SocketType.SUB);
      socket.setReceiveTimeOut(200);
      socket.setRcvHWM(0);
      // Called on ZMQ's I/O thread; the SUB socket reconnects by itself, we only need to know.
      socket.setEventHook(event -> {
        LOG.info("zmq {} {}", event.getEvent(), event.getAddress());
        context.runOnContext(v -> connectionChanged.run());
      }, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
      for (Map.Entry<String, List<String>> e : endpointsTopics.entrySet()) {
        for (String topic : e.getValue()) {
          socket.subscribe(topic.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        socket.connect(e.getKey());
      }
      connected.countDown();
      while (running) {
        try {
          readOne(socket);
        } catch (org.zeromq.ZMQException e) {
          if (running) {
            LOG.warn("zmq receive failed: {}", e.toString());
          }
        } catch (RuntimeException e) {
          LOG.warn("zmq message skipped: {}", e.toString());
        }
      }
    } finally {
      connected.countDown();
    }
  }

  private void readOne(ZMQ.Socket socket) {
    byte[] first = socket.recv(0);
    if (first == null) {
      return; // timeout: look at the running flag again
    }
    java.util.List<byte[]> frames = new java.util.ArrayList<>(3);
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv(0));
    }
    if (frames.size() != 3 || frames.get(2) == null || frames.get(2).length != 4) {
      LOG.warn("malformed zmq message skipped: {} frames", frames.size());
      return;
    }
    String topic = new String(frames.get(0), java.nio.charset.StandardCharsets.US_ASCII);
    byte[] body = frames.get(1);
    byte[] s = frames.get(2);
    long seq = (s[0] & 0xffL) | (s[1] & 0xffL) << 8 | (s[2] & 0xffL) << 16 | (s[3] & 0xffL) << 24;
    context.runOnContext(v -> sink.message(topic, body, seq));
  }

  /** Stops the thread and closes the socket. */
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }
}
