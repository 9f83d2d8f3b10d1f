package me.flashapp.gateway;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.config.ConfigException;
import me.flashapp.gateway.config.ConfigLoader;
import me.flashapp.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Entry point of {@code gateway.jar}: configuration, start, and a graceful stop on SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    GatewayConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(config).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.error("could not start: {}", e.getCause() != null ? e.getCause().toString() : e.toString());
      System.exit(1);
      return;
    }
    // Which collector runs is the first question about a latency tail (docs/benchmarks.md).
    List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).toList();
    LOG.info("garbage collector: {}", String.join(", ", collectors));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.stop().toCompletionStage().toCompletableFuture()
            .get(config.shutdownGraceMillis() + 30_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("stop did not complete cleanly: {}", e.toString());
      }
    }, "gateway-shutdown"));
  }
}
