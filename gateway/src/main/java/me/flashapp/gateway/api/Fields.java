package me.flashapp.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and checks the fields of a request object, collecting every problem so the client gets
 * them all in one 422 rather than one per attempt. Call {@link #validate()} before using results.
 */
public final class Fields {
  private final ObjectNode node;
  private final String prefix;
  private final List<ValidationException.FieldError> errors;

  public Fields(ObjectNode node) {
    this(node, "", new ArrayList<>());
  }

  private Fields(ObjectNode node, String prefix, List<ValidationException.FieldError> errors) {
    this.node = node;
    this.prefix = prefix;
    this.errors = errors;
  }

  /** The fields of a nested object (absent or null = an empty object); errors go to the same list. */
  public Fields nested(String name) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return new Fields(JsonBody.MAPPER.createObjectNode(), prefix + name + ".", errors);
    }
    if (!n.isObject()) {
      error(name, "must be an object");
      return new Fields(JsonBody.MAPPER.createObjectNode(), prefix + name + ".", errors);
    }
    return new Fields((ObjectNode) n, prefix + name + ".", errors);
  }

  public boolean has(String name) {
    JsonNode n = node.get(name);
    return n != null && !n.isNull();
  }

  public void error(String name, String message) {
    errors.add(new ValidationException.FieldError(prefix + name, message));
  }

  /** A string field; null if absent. */
  public String string(String name, boolean required, int maxLength) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      if (required) {
        error(name, "is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      error(name, "must be a string");
      return null;
    }
    String s = n.textValue();
    if (required && s.isBlank()) {
      error(name, "must not be empty");
      return null;
    }
    if (s.length() > maxLength) {
      error(name, "must be at most " + maxLength + " characters");
      return null;
    }
    return s;
  }

  /** A whole number in [min, max]; null if absent. Accepts an integer JSON number only. */
  public Long integer(String name, long min, long max) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    BigDecimal d = n.isNumber() ? n.decimalValue() : null;
    if (d == null || d.stripTrailingZeros().scale() > 0) {
      error(name, "must be a whole number");
      return null;
    }
    if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
      error(name, "must be between " + min + " and " + max);
      return null;
    }
    return d.longValueExact();
  }

  /**
   * An exact decimal given as a JSON string ({@code "12.50"}, the Greenfield convention) or a JSON
   * number (read exactly, never through {@code double}); null if absent.
   */
  public BigDecimal decimal(String name) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      String s = n.textValue().trim();
      if (s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)") && s.length() <= 40) {
        return new BigDecimal(s);
      }
      error(name, "must be a decimal number such as \"12.50\"");
      return null;
    }
    error(name, "must be a decimal string or number");
    return null;
  }

  public Boolean bool(String name) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isBoolean()) {
      error(name, "must be true or false");
      return null;
    }
    return n.booleanValue();
  }

  /** An object field as-is (absent or null = null). */
  public ObjectNode object(String name) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      error(name, "must be a JSON object");
      return null;
    }
    return (ObjectNode) n;
  }

  /** An array of strings; null if absent. */
  public List<String> strings(String name, int maxItems) {
    JsonNode n = node.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      error(name, "must be an array of strings");
      return null;
    }
    if (n.size() > maxItems) {
      error(name, "must have at most " + maxItems + " items");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        error(name + "[" + i + "]", "must be a string");
        return null;
      }
      out.add(n.get(i).textValue());
    }
    return out;
  }

  /** A string that must be one of an enum's names (exact); null if absent. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String s = string(name, false, 64);
    if (s == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s)) {
        return e;
      }
    }
    error(name, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    return null;
  }

  /** Parses a present string with a function that throws IllegalArgumentException on bad input. */
  public <T> Optional<T> parsed(String name, String value, Function<String, T> parser) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(parser.apply(value));
    } catch (IllegalArgumentException | ArithmeticException e) {
      error(name, e.getMessage());
      return Optional.empty();
    }
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Throws the collected 422 if any field was invalid. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }
}
