package me.flashapp.gateway.config;

import me.flashapp.gateway.bitcoin.Network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults, file, environment, and the messages a bad setting gets. */
class ConfigLoaderTest {
  static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static GatewayConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env);
  }

  static void assertFails(Map<String, String> env, String... mentions) {
    assertThatThrownBy(() -> load(env)).as(env.toString()).isInstanceOf(ConfigException.class)
        .message().contains(mentions);
  }

  @Test
  void cardTapLimitsAreBurstSlashPerSecond() {
    assertThat(load(Map.of()).cardTapLimitPerCard()).isEqualTo(new GatewayConfig.TapLimit(10, 1));
    assertThat(load(Map.of()).cardTapLimitPerClient()).isEqualTo(new GatewayConfig.TapLimit(100, 20));
    assertThat(load(Map.of("GATEWAY_CARD_TAP_LIMIT_PER_CLIENT", " 500 / 200 ")).cardTapLimitPerClient())
        .isEqualTo(new GatewayConfig.TapLimit(500, 200));
    for (String bad : new String[] {"10", "10/0", "0/1", "a/b", "10/1/2", "-1/5"}) {
      assertThatThrownBy(() -> load(Map.of("GATEWAY_CARD_TAP_LIMIT_PER_CARD", bad))).as(bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_CARD_TAP_LIMIT_PER_CARD");
    }
  }

  @Test
  void settlementIntervalFromTheEnvironmentWithinItsRange() {
    assertThat(load(Map.of()).settlementIntervalSeconds()).isEqualTo(60);
    assertThat(load(Map.of("GATEWAY_SETTLEMENT_INTERVAL_SECONDS", "5")).settlementIntervalSeconds()).isEqualTo(5);
    assertFails(Map.of("GATEWAY_SETTLEMENT_INTERVAL_SECONDS", "0"), "GATEWAY_SETTLEMENT_INTERVAL_SECONDS", "1..86400");
    assertFails(Map.of("GATEWAY_SETTLEMENT_INTERVAL_SECONDS", "1m"), "GATEWAY_SETTLEMENT_INTERVAL_SECONDS");
  }

  @Test
  void defaults() {
    GatewayConfig c = load(Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpInstances()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.network()).isEqualTo(Network.REGTEST);
    assertThat(c.databaseUrl()).isNull();
    assertThat(c.databasePoolSize()).isEqualTo(8);
    assertThat(c.bootstrapApiKey()).isNull();
    assertThat(c.publicUrl()).isNull();
    assertThat(c.expirySweepMillis()).isEqualTo(1000);
    assertThat(c.shutdownGraceMillis()).isEqualTo(10_000);
    assertThat(c.rates()).containsEntry("USD", new BigDecimal("100000")).containsEntry("JMD", new BigDecimal("15700000"))
        .containsKeys("EUR", "GBP", "CAD");
    assertThat(c.devnetChain()).isTrue();
    assertThat(c.devnetLightning()).isTrue();
    assertThat(c).isEqualTo(GatewayConfig.from(Map.of()));
  }

  @Test
  void aYamlFileOverridesDefaults() throws IOException {
    Path file = write("gateway.yaml", """
        httpPort: 9090
        dataDir: /var/lib/flash
        publicUrl: https://pay.example.com/
        databaseUrl: postgresql://gw:pw@db:5433/gateway
        rates:
          USD: 101000
          eur: 93000.5
        """);
    GatewayConfig c = load(Map.of(), "--config", file.toString());
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/flash"));
    assertThat(c.publicUrl()).isEqualTo("https://pay.example.com");
    assertThat(c.databaseUrl()).isEqualTo("postgresql://gw:pw@db:5433/gateway");
    assertThat(c.rates()).containsOnly(Map.entry("USD", new BigDecimal("101000")), Map.entry("EUR", new BigDecimal("93000.5")));
    // untouched settings keep their defaults
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.network()).isEqualTo(Network.REGTEST);
  }

  @Test
  void aJsonFileNamedByArgumentOrEnvironmentOverridesDefaults() throws IOException {
    Path file = write("gateway.json", "{\"httpPort\": 7070, \"network\": \"regtest\", \"expirySweepMillis\": 250}");
    GatewayConfig byArg = load(Map.of(), "--config=" + file);
    assertThat(byArg.httpPort()).isEqualTo(7070);
    assertThat(byArg.expirySweepMillis()).isEqualTo(250);
    assertThat(load(Map.of("GATEWAY_CONFIG_FILE", file.toString()))).isEqualTo(byArg);
  }

  @Test
  void nullsInAFileMeanUnset() throws IOException {
    Path file = write("gateway.yaml", "databaseUrl: ~\npublicUrl:\nhttpPort: 9000\n");
    GatewayConfig c = load(Map.of(), "--config", file.toString());
    assertThat(c.databaseUrl()).isNull();
    assertThat(c.publicUrl()).isNull();
    assertThat(c.httpPort()).isEqualTo(9000);
  }

  @Test
  void theEnvironmentOverridesTheFile() throws IOException {
    Path file = write("gateway.yaml", "httpPort: 9090\nhttpHost: 127.0.0.1\nrates: {USD: 1}\n");
    GatewayConfig c = load(Map.of("GATEWAY_CONFIG_FILE", file.toString(), "GATEWAY_HTTP_PORT", "9191",
        "GATEWAY_RATES", "USD=100000,EUR=92000", "GATEWAY_BITCOIND_RPC_URL", "http://node:18443",
        "PATH", "/usr/bin", "HOME", "/root"));
    assertThat(c.httpPort()).isEqualTo(9191);
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.rates()).containsOnly(Map.entry("USD", new BigDecimal("100000")), Map.entry("EUR", new BigDecimal("92000")));
    assertThat(c.bitcoindRpcUrl()).isEqualTo("http://node:18443");
    assertThat(c.devnetChain()).isFalse();
  }

  @Test
  void aBlankVariableCountsAsUnset() throws IOException {
    Path file = write("gateway.yaml", "httpPort: 9090\n");
    GatewayConfig c = load(Map.of("GATEWAY_CONFIG_FILE", file.toString(), "GATEWAY_HTTP_PORT", " ",
        "GATEWAY_DATABASE_URL", ""));
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.databaseUrl()).isNull();
  }

  @Test
  void ratesParse() {
    assertThat(load(Map.of("GATEWAY_RATES", " usd = 100000 , EUR=92000.25 ")).rates())
        .containsOnly(Map.entry("USD", new BigDecimal("100000")), Map.entry("EUR", new BigDecimal("92000.25")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "USD", "USD=", "USD=abc", "USD=-5", "USD=0", "BTC=1", "SATS=1", "XYZ=1", "USD=1;EUR=2"})
  void badRatesNameTheVariable(String rates) {
    assertFails(Map.of("GATEWAY_RATES", rates), "GATEWAY_RATES");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GATEWAY_HTTP_PORT|abc", "GATEWAY_HTTP_PORT|70000", "GATEWAY_HTTP_PORT|-1", "GATEWAY_HTTP_PORT|80.5",
      "GATEWAY_HTTP_INSTANCES|0", "GATEWAY_DATABASE_POOL_SIZE|many", "GATEWAY_EXPIRY_SWEEP_MILLIS|1",
      "GATEWAY_NETWORK|moonnet", "GATEWAY_BOOTSTRAP_API_KEY|short", "GATEWAY_PUBLIC_URL|pay.example.com",
      "GATEWAY_DATABASE_URL|mysql://u:p@db/gateway", "GATEWAY_DATABASE_URL|postgresql://db:5432",
      "GATEWAY_DATABASE_URL|not a url"})
  void badValuesNameTheirVariable(String variable, String value) {
    assertFails(Map.of(variable, value), variable);
  }

  @Test
  void unknownSettingsAreRefusedByName() throws IOException {
    assertFails(Map.of("GATEWAY_HTTP_PROT", "80"), "unknown setting", "GATEWAY_HTTP_PROT");
    Path file = write("gateway.yaml", "htpPort: 80\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", file.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("htpPort").hasMessageContaining("GATEWAY_HTP_PORT");
    assertThatThrownBy(() -> load(Map.of(), "--verbose")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--verbose");
  }

  @Test
  void anUnreadableFileIsAClearError() throws IOException {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> load(Map.of(), "--config", missing.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
    Path list = write("list.yaml", "- httpPort\n- 80\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", list.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected an object");
    Path broken = write("broken.json", "{\"httpPort\": ");
    assertThatThrownBy(() -> load(Map.of(), "--config", broken.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining(broken.toString());
  }

  @Test
  void otherNetworksNeedRealNodes() {
    assertFails(Map.of("GATEWAY_NETWORK", "mainnet"), "GATEWAY_BITCOIND_RPC_URL", "mainnet");
    assertFails(Map.of("GATEWAY_NETWORK", "signet", "GATEWAY_BITCOIND_RPC_URL", "http://node:38332"),
        "GATEWAY_LND_GRPC_URL");
    GatewayConfig c = load(Map.of("GATEWAY_NETWORK", "main", "GATEWAY_BITCOIND_RPC_URL", "http://node:8332",
        "GATEWAY_LND_GRPC_URL", "https://lnd:10009"));
    assertThat(c.network()).isEqualTo(Network.MAINNET);
    assertThat(c.devnetChain()).isFalse();
    assertThat(c.devnetLightning()).isFalse();
  }

  @Test
  void toStringNeverShowsSecrets() {
    GatewayConfig c = load(Map.of(
        "GATEWAY_BOOTSTRAP_API_KEY", "bootstrap-secret-0123456789",
        "GATEWAY_DATABASE_URL", "postgresql://gateway:db-password-42@db:5432/gateway",
        "GATEWAY_BITCOIND_RPC_URL", "http://rpcuser:rpc-password-7@node:18443",
        "GATEWAY_BITCOIND_RPC_PASSWORD", "rpc-password-7",
        "GATEWAY_LND_GRPC_URL", "https://lnd:10009"));
    String s = c.toString();
    assertThat(s).doesNotContain("bootstrap-secret-0123456789", "db-password-42", "rpc-password-7")
        .contains("bootstrapApiKey=set", "gateway:***@db:5432/gateway", "node:18443", "lnd:10009");
    assertThat(GatewayConfig.from(Map.of()).toString()).contains("bootstrapApiKey=unset", "database=embedded");
  }
}
