package me.flashapp.gateway.lightning;

import java.net.URI;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import me.flashapp.gateway.invoice.PaymentMethodConfigException;

/**
 * A store's Lightning connection in BTCPay Server's form:
 * {@code type=lnd-grpc;server=https://host:10009;macaroon=<hex>|macaroonfilepath=<path>;
 * certthumbprint=<sha256 hex>|certfilepath=<path>}, or {@code Internal Node} for the server's own
 * node. Parsing is pure; {@link LndEndpoint} reads the files it names.
 *
 * <p>{@link #toString()} never prints the macaroon.
 */
public record LndConnectionString(boolean internal, String host, int port, String macaroonHex, String macaroonFilePath,
                                  String certThumbprint, String certFilePath) {
  public static final String INTERNAL_NODE = "Internal Node";
  static final String PATH = "config.connectionString";
  private static final Set<String> KEYS = Set.of("type", "server", "macaroon", "macaroonfilepath", "certthumbprint",
      "certfilepath");

  /** Parses; throws {@link PaymentMethodConfigException} on {@code config.connectionString}. */
  public static LndConnectionString parse(String s) {
    if (s == null || s.isBlank()) {
      throw bad("is required: 'Internal Node' or type=lnd-grpc;server=https://host:port;macaroon=...;certthumbprint=...");
    }
    s = s.trim();
    if (s.equalsIgnoreCase(INTERNAL_NODE)) {
      return new LndConnectionString(true, null, 0, null, null, null, null);
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : s.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw bad("'" + redact(part) + "' is not key=value");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw bad("unknown key '" + key + "' (type, server, macaroon, macaroonfilepath, certthumbprint, certfilepath)");
      }
      if (kv.put(key, part.substring(eq + 1).trim()) != null) {
        throw bad("key '" + key + "' appears twice");
      }
    }
    if (!"lnd-grpc".equals(kv.get("type"))) {
      throw bad("type must be lnd-grpc (the only Lightning implementation supported)");
    }
    String server = kv.get("server");
    if (server == null) {
      throw bad("server is required (https://host:port)");
    }
    URI uri;
    try {
      uri = new URI(server);
    } catch (java.net.URISyntaxException e) {
      throw bad("server '" + server + "' is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw bad("server must be an https URL with a host (LND's gRPC port speaks TLS)");
    }
    int port = uri.getPort() == -1 ? 10009 : uri.getPort();
    String macaroon = kv.get("macaroon");
    String macaroonFile = kv.get("macaroonfilepath");
    if ((macaroon == null) == (macaroonFile == null)) {
      throw bad("exactly one of macaroon (hex) or macaroonfilepath is required");
    }
    if (macaroon != null && !isHex(macaroon)) {
      throw bad("macaroon must be hex");
    }
    String thumb = kv.get("certthumbprint");
    String certFile = kv.get("certfilepath");
    if ((thumb == null) == (certFile == null)) {
      throw bad("exactly one of certthumbprint or certfilepath is required: the node's certificate is pinned");
    }
    if (thumb != null) {
      thumb = thumb.replace(":", "").toLowerCase(Locale.ROOT);
      if (thumb.length() != 64 || !isHex(thumb)) {
        throw bad("certthumbprint must be the SHA-256 of the certificate, 64 hex digits");
      }
    }
    return new LndConnectionString(false, uri.getHost(), port, macaroon == null ? null : macaroon.toLowerCase(Locale.ROOT),
        macaroonFile, thumb, certFile);
  }

  /** The node's identity for the stream position and the client cache: {@code host:port}. */
  public String node() {
    return host + ":" + port;
  }

  private static boolean isHex(String s) {
    if (s.isEmpty() || s.length() % 2 != 0) {
      return false;
    }
    try {
      HexFormat.of().parseHex(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String redact(String part) {
    return part.length() > 24 ? part.substring(0, 12) + "..." : part;
  }

  private static PaymentMethodConfigException bad(String message) {
    return new PaymentMethodConfigException(PATH, message);
  }

  @Override
  public String toString() {
    return internal ? INTERNAL_NODE : "lnd-grpc " + node() + " (macaroon " + (macaroonHex != null ? "inline" : "file")
        + ", cert " + (certThumbprint != null ? "thumbprint" : "file") + ")";
  }
}
