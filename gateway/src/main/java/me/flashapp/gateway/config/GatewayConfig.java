package me.flashapp.gateway.config;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import me.flashapp.gateway.bitcoin.Network;
import me.flashapp.gateway.money.Currencies;

/**
 * The gateway's typed configuration. Every setting, its default and meaning is listed in
 * README.md; {@link ConfigLoader} reads it from defaults, a file and {@code GATEWAY_*} variables.
 *
 * <p>{@link #toString()} never prints secrets (bootstrap API key, RPC password, master key).
 */
public record GatewayConfig(
    int httpPort,
    String httpHost,
    int httpInstances,
    Path dataDir,
    Network network,
    String databaseUrl,
    int databasePoolSize,
    String bootstrapApiKey,
    String publicUrl,
    Map<String, BigDecimal> rates,
    long expirySweepMillis,
    long shutdownGraceMillis,
    String bitcoindRpcUrl,
    String bitcoindRpcUser,
    String bitcoindRpcPassword,
    String bitcoindRpcCookieFile,
    String bitcoindZmqRawtx,
    String bitcoindZmqRawblock,
    String bitcoindZmqSequence,
    String lndGrpcUrl,
    String lndMacaroonPath,
    String lndTlsCertPath,
    int lndPayoutMaxFeePpm,
    int lndPayoutTimeoutSeconds,
    // Flash Cards: 32-byte AES key (64 hex) sealing the card issuer key; unset = generated into dataDir.
    String cardMasterKey,
    List<Long> webhookRetrySchedule,
    boolean webhookAllowPrivateUrls,
    // POS WebSocket: ping interval (silent for twice this → close 4002) and frames queued for a slow reader (→ 4008)
    int posPingMillis,
    int posMaxQueue,
    // merchant settlement: how often stores whose balance reached their threshold are paid out
    int settlementIntervalSeconds,
    // Flash Card taps: token buckets per card and per client address ("burst/perSecond")
    TapLimit cardTapLimitPerCard,
    TapLimit cardTapLimitPerClient) {

  /** A token bucket: {@code burst} taps at once, then {@code perSecond} taps a second. */
  public record TapLimit(int burst, int perSecond) {}

  /** Defaults in code; a file and the environment override them. */
  static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("httpPort", "8080"),
      Map.entry("httpHost", "0.0.0.0"),
      Map.entry("httpInstances", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors()))),
      Map.entry("dataDir", "./data"),
      Map.entry("network", "regtest"),
      Map.entry("databasePoolSize", "8"),
      Map.entry("rates", "USD=100000,EUR=92000,GBP=78000,JMD=15700000,CAD=138000"),
      Map.entry("expirySweepMillis", "1000"),
      Map.entry("shutdownGraceMillis", "10000"),
      Map.entry("lndPayoutMaxFeePpm", "10000"),
      Map.entry("lndPayoutTimeoutSeconds", "60"),
      // 10 s, 1 min, then 10 min six times (Greenfield's schedule); tests shorten it
      Map.entry("webhookRetrySchedule", "10000,60000,600000,600000,600000,600000,600000,600000"),
      Map.entry("posPingMillis", "30000"),
      Map.entry("posMaxQueue", "10000"),
      Map.entry("settlementIntervalSeconds", "60"),
      Map.entry("cardTapLimitPerCard", "10/1"),
      // a shop's terminals often share one public address (NAT)
      Map.entry("cardTapLimitPerClient", "100/20"));

  private static final Set<String> KEYS = Set.of(
      "httpPort", "httpHost", "httpInstances", "dataDir", "network", "databaseUrl", "databasePoolSize",
      "bootstrapApiKey", "publicUrl", "rates", "expirySweepMillis", "shutdownGraceMillis",
      "bitcoindRpcUrl", "bitcoindRpcUser", "bitcoindRpcPassword", "bitcoindRpcCookieFile",
      "bitcoindZmqRawtx", "bitcoindZmqRawblock", "bitcoindZmqSequence",
      "lndGrpcUrl", "lndMacaroonPath", "lndTlsCertPath", "lndPayoutMaxFeePpm", "lndPayoutTimeoutSeconds",
      "cardMasterKey", "webhookRetrySchedule", "webhookAllowPrivateUrls", "posPingMillis", "posMaxQueue",
      "settlementIntervalSeconds", "cardTapLimitPerCard", "cardTapLimitPerClient",
      // read by logback.xml straight from the environment
      "logLevel", "httpLogLevel");

  /** Builds and validates a configuration from layered values (defaults applied here). */
  public static GatewayConfig from(Map<String, String> overrides) {
    for (String key : overrides.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException("unknown setting " + key + " (" + ConfigLoader.envName(key) + ")");
      }
    }
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    overrides.forEach((k, value) -> {
      if (value != null && !value.isBlank()) {
        v.put(k, value.trim());
      }
    });
    Reader r = new Reader(v);
    GatewayConfig config = new GatewayConfig(
        r.integer("httpPort", 0, 65535),
        v.get("httpHost"),
        r.integer("httpInstances", 1, 256),
        Path.of(v.get("dataDir")),
        r.network(),
        r.databaseUrl(),
        r.integer("databasePoolSize", 1, 1000),
        r.secret("bootstrapApiKey"),
        r.url("publicUrl"),
        r.rates(),
        r.integer("expirySweepMillis", 10, 3_600_000),
        r.integer("shutdownGraceMillis", 0, 600_000),
        r.url("bitcoindRpcUrl"),
        v.get("bitcoindRpcUser"),
        v.get("bitcoindRpcPassword"),
        v.get("bitcoindRpcCookieFile"),
        v.get("bitcoindZmqRawtx"),
        v.get("bitcoindZmqRawblock"),
        v.get("bitcoindZmqSequence"),
        r.url("lndGrpcUrl"),
        v.get("lndMacaroonPath"),
        v.get("lndTlsCertPath"),
        r.integer("lndPayoutMaxFeePpm", 0, 1_000_000),
        r.integer("lndPayoutTimeoutSeconds", 1, 3600),
        r.hexKey("cardMasterKey", 32),
        r.millisList("webhookRetrySchedule"),
        // private-network webhook URLs are refused by default except on regtest (local development)
        v.containsKey("webhookAllowPrivateUrls") ? r.bool("webhookAllowPrivateUrls")
            : r.network() == Network.REGTEST,
        r.integer("posPingMillis", 100, 3_600_000),
        // at least two replay pages (500 frames each are queued at once for a terminal catching up)
        r.integer("posMaxQueue", 1_000, 1_000_000),
        r.integer("settlementIntervalSeconds", 1, 86_400),
        r.tapLimit("cardTapLimitPerCard"),
        r.tapLimit("cardTapLimitPerClient"));
    config.validate();
    return config;
  }

  /** Defaults only (plus the given overrides), for tests and tools. */
  public static GatewayConfig defaults(Map<String, String> overrides) {
    return from(overrides);
  }

  private void validate() {
    if (network != Network.REGTEST) {
      if (bitcoindRpcUrl == null) {
        throw new ConfigException("GATEWAY_BITCOIND_RPC_URL is required on " + network.id()
            + ": the devnet simulators only stand in for bitcoind on regtest");
      }
      if (lndGrpcUrl == null) {
        throw new ConfigException("GATEWAY_LND_GRPC_URL is required on " + network.id()
            + ": the devnet simulators only stand in for LND on regtest");
      }
    }
  }

  /** True when bitcoind is not configured and the devnet simulator stands in (regtest only). */
  public boolean devnetChain() {
    return network == Network.REGTEST && bitcoindRpcUrl == null;
  }

  /** True when LND is not configured and the devnet simulator stands in (regtest only). */
  public boolean devnetLightning() {
    return network == Network.REGTEST && lndGrpcUrl == null;
  }

  public GatewayConfig withHttpPort(int port) {
    return new GatewayConfig(port, httpHost, httpInstances, dataDir, network, databaseUrl, databasePoolSize,
        bootstrapApiKey, publicUrl, rates, expirySweepMillis, shutdownGraceMillis, bitcoindRpcUrl, bitcoindRpcUser,
        bitcoindRpcPassword, bitcoindRpcCookieFile, bitcoindZmqRawtx, bitcoindZmqRawblock, bitcoindZmqSequence,
        lndGrpcUrl, lndMacaroonPath, lndTlsCertPath, lndPayoutMaxFeePpm, lndPayoutTimeoutSeconds, cardMasterKey,
        webhookRetrySchedule, webhookAllowPrivateUrls, posPingMillis, posMaxQueue, settlementIntervalSeconds,
        cardTapLimitPerCard, cardTapLimitPerClient);
  }

  @Override
  public String toString() {
    return "GatewayConfig[httpPort=" + httpPort + ", httpHost=" + httpHost + ", httpInstances=" + httpInstances
        + ", dataDir=" + dataDir + ", network=" + network.id()
        + ", database=" + (databaseUrl == null ? "embedded" : DatabaseUrls.redact(databaseUrl))
        + ", bootstrapApiKey=" + (bootstrapApiKey == null ? "unset" : "set")
        + ", publicUrl=" + publicUrl + ", rates=" + rates.keySet()
        + ", bitcoind=" + (bitcoindRpcUrl == null ? "devnet" : withoutUserInfo(bitcoindRpcUrl))
        + ", lnd=" + (lndGrpcUrl == null ? "devnet" : withoutUserInfo(lndGrpcUrl))
        + ", cardMasterKey=" + (cardMasterKey == null ? "unset" : "set") + "]";
  }

  /** {@code http://user:pass@node:8332} → {@code http://***@node:8332}: RPC URLs often carry credentials. */
  private static String withoutUserInfo(String url) {
    return url.replaceFirst("//[^/@]*@", "//***@");
  }

  /** Parses values with messages that name the environment variable. */
  private record Reader(Map<String, String> v) {
    int integer(String key, int min, int max) {
      String s = v.get(key);
      try {
        int n = Integer.parseInt(s);
        if (n < min || n > max) {
          throw new ConfigException(ConfigLoader.envName(key) + ": " + n + " is outside " + min + ".." + max);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new ConfigException(ConfigLoader.envName(key) + ": '" + s + "' is not a whole number");
      }
    }

    String secret(String key) {
      String s = v.get(key);
      if (s != null && s.length() < 16) {
        throw new ConfigException(ConfigLoader.envName(key) + ": must be at least 16 characters");
      }
      return s;
    }

    /** Hex of exactly {@code bytes} bytes, or null; the message never echoes the value (a secret). */
    String hexKey(String key, int bytes) {
      String s = v.get(key);
      if (s != null && !s.matches("[0-9a-fA-F]{" + bytes * 2 + "}")) {
        throw new ConfigException(ConfigLoader.envName(key) + ": must be " + bytes * 2 + " hex characters");
      }
      return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    String url(String key) {
      String s = v.get(key);
      if (s == null) {
        return null;
      }
      try {
        URI uri = new URI(s);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new ConfigException(ConfigLoader.envName(key) + ": '" + s + "' is not an absolute URL");
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException(ConfigLoader.envName(key) + ": '" + s + "' is not a URL");
      }
    }

    TapLimit tapLimit(String key) {
      String s = v.get(key);
      String[] parts = s.split("/");
      try {
        if (parts.length == 2) {
          int burst = Integer.parseInt(parts[0].trim());
          int perSecond = Integer.parseInt(parts[1].trim());
          if (burst >= 1 && burst <= 1_000_000 && perSecond >= 1 && perSecond <= 1_000_000) {
            return new TapLimit(burst, perSecond);
          }
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ConfigException(ConfigLoader.envName(key) + ": '" + s
          + "' is not burst/perSecond (two whole numbers from 1, e.g. 10/1)");
    }

    List<Long> millisList(String key) {
      String s = v.get(key);
      try {
        List<Long> out = java.util.Arrays.stream(s.split(",")).map(String::trim).map(Long::parseLong).toList();
        if (out.stream().anyMatch(n -> n < 0 || n > 86_400_000L)) {
          throw new NumberFormatException();
        }
        return out;
      } catch (NumberFormatException e) {
        throw new ConfigException(ConfigLoader.envName(key) + ": '" + s + "' is not a list of delays in milliseconds");
      }
    }

    boolean bool(String key) {
      String s = v.get(key);
      if (!s.equals("true") && !s.equals("false")) {
        throw new ConfigException(ConfigLoader.envName(key) + ": '" + s + "' is not true or false");
      }
      return Boolean.parseBoolean(s);
    }

    Network network() {
      try {
        return Network.fromString(v.get("network"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("GATEWAY_NETWORK: unknown network '" + v.get("network")
            + "' (mainnet, testnet, signet, regtest)");
      }
    }

    String databaseUrl() {
      String s = v.get("databaseUrl");
      if (s != null) {
        DatabaseUrls.parse(s); // fails early with a clear message
      }
      return s;
    }

    Map<String, BigDecimal> rates() {
      Map<String, BigDecimal> out = new TreeMap<>();
      String s = v.get("rates");
      if (s == null || s.isBlank()) {
        return Map.of();
      }
      for (String pair : List.of(s.split(","))) {
        String[] kv = pair.split("=", 2);
        String code = kv[0].trim().toUpperCase(Locale.ROOT);
        if (kv.length != 2 || Currencies.normalize(code).isEmpty() || Currencies.isBitcoin(code)) {
          throw new ConfigException("GATEWAY_RATES: '" + pair + "' is not CODE=price (a fiat ISO 4217 code)");
        }
        try {
          BigDecimal price = new BigDecimal(kv[1].trim());
          if (price.signum() <= 0) {
            throw new ConfigException("GATEWAY_RATES: price of " + code + " must be positive");
          }
          out.put(code, price);
        } catch (NumberFormatException e) {
          throw new ConfigException("GATEWAY_RATES: '" + kv[1] + "' is not a decimal price");
        }
      }
      return Map.copyOf(out);
    }
  }
}
