package me.flashapp.gateway.events;

/**
 * A small, allocation-lean JSON writer for the hot encodings (invoices, events). Values already
 * in JSON (merchant metadata, stored as JSONB) are spliced in verbatim, so their numbers stay
 * exactly as the merchant sent them instead of passing through {@code double}.
 */
public final class JsonWriter {
  private final StringBuilder sb;
  private boolean needComma;

  public JsonWriter(int capacity) {
    this.sb = new StringBuilder(capacity);
  }

  public JsonWriter begin() {
    sb.append('{');
    needComma = false;
    return this;
  }

  public JsonWriter end() {
    sb.append('}');
    needComma = true;
    return this;
  }

  /** Starts a nested object under {@code name}. */
  public JsonWriter beginObject(String name) {
    key(name);
    sb.append('{');
    needComma = false;
    return this;
  }

  public JsonWriter beginArray(String name) {
    key(name);
    sb.append('[');
    needComma = false;
    return this;
  }

  public JsonWriter endArray() {
    sb.append(']');
    needComma = true;
    return this;
  }

  /** An array element that is an object. */
  public JsonWriter beginElement() {
    if (needComma) {
      sb.append(',');
    }
    sb.append('{');
    needComma = false;
    return this;
  }

  public JsonWriter stringElement(String value) {
    if (needComma) {
      sb.append(',');
    }
    string(value);
    needComma = true;
    return this;
  }

  public JsonWriter field(String name, String value) {
    key(name);
    if (value == null) {
      sb.append("null");
    } else {
      string(value);
    }
    needComma = true;
    return this;
  }

  public JsonWriter field(String name, long value) {
    key(name);
    sb.append(value);
    needComma = true;
    return this;
  }

  public JsonWriter field(String name, boolean value) {
    key(name);
    sb.append(value);
    needComma = true;
    return this;
  }

  /** A value that is already JSON text (null = JSON null). */
  public JsonWriter raw(String name, String json) {
    key(name);
    sb.append(json == null ? "null" : json);
    needComma = true;
    return this;
  }

  private void key(String name) {
    if (needComma) {
      sb.append(',');
    }
    sb.append('"').append(name).append("\":");
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
