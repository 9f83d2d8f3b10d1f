package me.flashapp.gateway.bench.load;

import io.vertx.core.json.JsonArray;

/**
 * The few fields of a POS WebSocket frame (docs/pos-websocket.md) the generator looks at: the
 * frame's {@code type}, its {@code seq}, and for an event frame the event's {@code type} and
 * {@code invoiceId}. With thousands of terminals every frame of every terminal passes through here,
 * so it is read by one pass over the text that visits only top-level keys (and those of
 * {@code event}) and skips every other value without building it: no JSON tree, no map, a few
 * short strings. Nested objects such as {@code metadata} are skipped as a whole, so a merchant's
 * {@code "invoiceId"} inside them cannot be mistaken for the event's.
 *
 * @param seq the frame's {@code seq}, or -1 when it has none (or {@code null})
 */
record PosFrame(String type, long seq, String eventType, String invoiceId) {
  static final long NO_SEQ = -1;

  /** Reads {@code text}; throws {@link IllegalArgumentException} if it is not one JSON object. */
  static PosFrame scan(String text) {
    Scanner s = new Scanner(text);
    PosFrame f = s.frame();
    s.skipWhitespace();
    if (s.i != text.length()) {
      throw s.bad("trailing characters");
    }
    return f;
  }

  /** A cursor over the text; each method leaves it just after what it read. */
  private static final class Scanner {
    private final String t;
    private int i;
    private String type;
    private long seq = NO_SEQ;
    private String eventType;
    private String invoiceId;

    Scanner(String text) {
      this.t = text;
    }

    PosFrame frame() {
      object(true);
      return new PosFrame(type, seq, eventType, invoiceId);
    }

    /** An object; at the top level it reads type, seq and event, inside event type and invoiceId. */
    private void object(boolean top) {
      expect('{');
      skipWhitespace();
      if (peek() == '}') {
        i++;
        return;
      }
      while (true) {
        skipWhitespace();
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (key.equals("type") && peek() == '"') {
          if (top) {
            type = string();
          } else {
            eventType = string();
          }
        } else if (top && key.equals("seq") && peek() != 'n') {
          seq = number();
        } else if (top && key.equals("event") && peek() == '{') {
          object(false);
        } else if (!top && key.equals("invoiceId") && peek() == '"') {
          invoiceId = string();
        } else {
          skipValue();
        }
        skipWhitespace();
        char c = next();
        if (c == '}') {
          return;
        }
        if (c != ',') {
          throw bad("expected , or }");
        }
      }
    }

    private String string() {
      expect('"');
      int start = i;
      boolean escaped = false;
      while (true) {
        char c = next();
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          escaped = true;
          next();
        }
      }
      String raw = t.substring(start, i - 1);
      // Ids and type names never carry escapes; decode the rare string that does properly.
      return escaped ? new JsonArray("[\"" + raw + "\"]").getString(0) : raw;
    }

    private long number() {
      int start = i;
      if (peek() == '-') {
        i++;
      }
      while (i < t.length() && Character.isDigit(t.charAt(i))) {
        i++;
      }
      try {
        return Long.parseLong(t, start, i, 10);
      } catch (NumberFormatException e) {
        throw bad("expected an integer");
      }
    }

    /** Skips any value: a string, an object or array (nesting and strings inside respected), a literal. */
    private void skipValue() {
      char c = peek();
      if (c == '"') {
        skipString();
      } else if (c == '{' || c == '[') {
        int depth = 0;
        do {
          char d = peek();
          if (d == '"') {
            skipString();
            continue;
          }
          i++;
          if (d == '{' || d == '[') {
            depth++;
          } else if (d == '}' || d == ']') {
            depth--;
          }
        } while (depth > 0);
      } else {
        int start = i;
        while (i < t.length() && ",}] \t\r\n".indexOf(t.charAt(i)) < 0) {
          i++;
        }
        if (i == start) {
          throw bad("expected a value");
        }
      }
    }

    private void skipString() {
      expect('"');
      while (true) {
        char c = next();
        if (c == '"') {
          return;
        }
        if (c == '\\') {
          next();
        }
      }
    }

    void skipWhitespace() {
      while (i < t.length() && " \t\r\n".indexOf(t.charAt(i)) >= 0) {
        i++;
      }
    }

    private char peek() {
      if (i >= t.length()) {
        throw bad("unexpected end");
      }
      return t.charAt(i);
    }

    private char next() {
      char c = peek();
      i++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw bad("expected " + c);
      }
    }

    IllegalArgumentException bad(String why) {
      return new IllegalArgumentException("unparseable frame: " + why + " at " + i);
    }
  }
}
