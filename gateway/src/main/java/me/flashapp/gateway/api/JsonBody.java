package me.flashapp.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Parses request bodies. Numbers are read as exact decimals (never {@code double}), duplicate keys
 * and trailing garbage are rejected.
 */
public final class JsonBody {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      // keep 12.50 as 12.50: the default node factory strips trailing zeros (and writes 100.0 as 1E+2)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private JsonBody() {}

  /** The body as a JSON object, or a 400 {@code invalid-json} / {@code invalid-body}. */
  public static ObjectNode object(RoutingContext ctx) {
    return parseObject(ctx.body().buffer());
  }

  /** The body as a JSON object, or an empty object when there is no body at all. */
  public static ObjectNode optionalObject(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null || b.length() == 0 ? MAPPER.createObjectNode() : parseObject(b);
  }

  public static ObjectNode parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("invalid-body", "A JSON object body is required");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("invalid-json", "Malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("invalid-json", "Malformed JSON");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("invalid-body", "The body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  public static ObjectNode parseObject(String text) {
    return parseObject(Buffer.buffer(text));
  }
}
