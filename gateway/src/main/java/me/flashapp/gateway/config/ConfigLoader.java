package me.flashapp.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads settings from three layers, each overriding the one before: defaults in code, a JSON or
 * YAML file, and environment variables.
 *
 * <p>A setting has one camelCase name in files ({@code httpPort}) and one environment name,
 * {@code GATEWAY_} plus the name in upper snake case ({@code GATEWAY_HTTP_PORT}). The file is named
 * by {@code --config <path>} or {@code GATEWAY_CONFIG_FILE}.
 */
public final class ConfigLoader {
  static final String ENV_PREFIX = "GATEWAY_";

  private ConfigLoader() {}

  /** Loads from the process environment and an optional file named there or in the arguments. */
  public static GatewayConfig load(String[] args, Map<String, String> env) {
    String file = env.get("GATEWAY_CONFIG_FILE");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        throw new ConfigException("unknown argument '" + args[i] + "' (only --config <file> is accepted)");
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (file != null) {
      values.putAll(readFile(Path.of(file)));
    }
    values.putAll(fromEnvironment(env));
    return GatewayConfig.from(values);
  }

  /** Settings named in environment variables, keyed by their camelCase name. */
  static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((name, value) -> {
      // blank = unset, so the file's value (or the default) still applies
      if (name.startsWith(ENV_PREFIX) && !name.equals("GATEWAY_CONFIG_FILE") && value != null && !value.isBlank()) {
        out.put(camelCase(name.substring(ENV_PREFIX.length())), value);
      }
    });
    return out;
  }

  static Map<String, String> readFile(Path path) {
    JsonNode root;
    try {
      ObjectMapper mapper = path.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
      root = mapper.readTree(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException("config file " + path + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("config file " + path + ": expected an object of settings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull()) { // "databaseUrl: ~" means unset, not the text "null"
        out.put(e.getKey(), flatten(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /** Scalars as text; an object of scalars (rates) as {@code K=V,K=V}, the environment form. */
  private static String flatten(String key, JsonNode node) {
    if (node.isValueNode()) {
      return node.asText();
    }
    if (node.isObject()) {
      StringJoiner joiner = new StringJoiner(",");
      node.fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode()) {
          throw new ConfigException(key + "." + e.getKey() + ": expected a value");
        }
        joiner.add(e.getKey() + "=" + e.getValue().asText());
      });
      return joiner.toString();
    }
    throw new ConfigException(key + ": expected a value or an object of values");
  }

  static String camelCase(String upperSnake) {
    StringBuilder sb = new StringBuilder();
    boolean upperNext = false;
    for (char c : upperSnake.toCharArray()) {
      if (c == '_') {
        upperNext = true;
      } else {
        sb.append(upperNext ? Character.toUpperCase(c) : Character.toLowerCase(c));
        upperNext = false;
      }
    }
    return sb.toString();
  }

  /** {@code httpPort} → {@code GATEWAY_HTTP_PORT}, for messages. */
  static String envName(String camel) {
    return ENV_PREFIX + camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }
}
