package me.flashapp.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** {@code postgresql://user:pass@host:port/db} URLs: parsing and redaction for logs. */
public final class DatabaseUrls {
  private DatabaseUrls() {}

  /** The parts of a database URL. */
  public record Parts(String host, int port, String database, String user, String password) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
      return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
    }
  }

  public static Parts parse(String url) {
    try {
      URI uri = new URI(url.startsWith("jdbc:") ? url.substring(5) : url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new ConfigException("GATEWAY_DATABASE_URL: expected postgresql://user:pass@host:port/db");
      }
      String user = "postgres";
      String password = "";
      if (uri.getRawUserInfo() != null) {
        String[] up = uri.getRawUserInfo().split(":", 2);
        user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
        password = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : "";
      }
      String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
      if (uri.getHost() == null || path.isEmpty()) {
        throw new ConfigException("GATEWAY_DATABASE_URL: expected postgresql://user:pass@host:port/db");
      }
      return new Parts(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), path, user, password);
    } catch (URISyntaxException e) {
      throw new ConfigException("GATEWAY_DATABASE_URL: not a URL (" + e.getReason() + ")");
    }
  }

  /** The URL with its password masked, for logs. */
  public static String redact(String url) {
    try {
      return parse(url).toString();
    } catch (ConfigException e) {
      return "<invalid>";
    }
  }
}
