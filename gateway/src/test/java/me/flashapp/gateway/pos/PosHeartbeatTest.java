package me.flashapp.gateway.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import me.flashapp.gateway.testing.Eventually;
import me.flashapp.gateway.testing.TestGateway;
import me.flashapp.gateway.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats on a gateway that pings every 300 ms: a terminal that never answers is closed with
 * 4002, one that answers pings (as browsers and the JDK client do by themselves) stays.
 */
class PosHeartbeatTest {
  static final String ADMIN = TestGateway.ADMIN_KEY;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(Map.of("posPingMillis", "300"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** One server frame: opcode and payload (server frames are never masked). */
  record Frame(int opcode, byte[] payload) {
    static final int TEXT = 1;
    static final int CLOSE = 8;
    static final int PING = 9;
  }

  /**
   * A bare WebSocket over a plain socket: it reads frames but, unlike every real client, never
   * answers a ping and never sends anything.
   */
  static final class SilentTerminal implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;

    SilentTerminal(int port, String store) throws IOException {
      socket = new Socket("localhost", port);
      socket.setSoTimeout((int) Eventually.DEFAULT_BOUND_MILLIS);
      String upgrade = "GET /api/v1/stores/" + store + "/ws HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: token " + ADMIN + "\r\n\r\n";
      socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      in = new DataInputStream(socket.getInputStream());
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        head.write(in.readUnsignedByte());
      }
      assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
    }

    Frame next() throws IOException {
      int b0 = in.readUnsignedByte();
      long len = in.readUnsignedByte() & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, payload);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aTerminalThatNeverAnswersPingsIsClosedWith4002() throws IOException {
    String store = gw.createStore("Quiet");
    int port = gw.gateway().httpPort();
    try (var answering = WsClient.terminal(port, store, ADMIN, null);
         var silent = new SilentTerminal(port, store)) {
      List<Frame> frames = new ArrayList<>();
      Frame f;
      do {
        f = silent.next();
        frames.add(f);
      } while (f.opcode() != Frame.CLOSE);

      assertThat(new JsonObject(new String(frames.get(0).payload(), StandardCharsets.UTF_8)).getString("type"))
          .isEqualTo("authenticated");
      assertThat(frames).filteredOn(x -> x.opcode() == Frame.PING).isNotEmpty();
      byte[] close = f.payload();
      assertThat(((close[0] & 0xff) << 8) | (close[1] & 0xff)).isEqualTo(PosSocket.CLOSE_HEARTBEAT);
      assertThat(new String(close, 2, close.length - 2, StandardCharsets.UTF_8)).isEqualTo("heartbeat-timeout");

      // The terminal that answered the same pings, connected longer, is still served.
      assertThat(answering.isClosed()).isFalse();
      var r = gw.http().post("/api/v1/stores/" + store + "/invoices", "{\"amount\":\"1.00\",\"currency\":\"USD\"}", ADMIN);
      assertThat(answering.next("event").getJsonObject("event").getString("invoiceId"))
          .isEqualTo(r.json().getString("id"));
    }
  }
}
