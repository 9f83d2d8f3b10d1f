package me.flashapp.gateway.bench;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.api.InvoiceJson;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.events.InvoiceEvents;
import me.flashapp.gateway.invoice.AdditionalStatus;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.invoice.InvoiceType;
import me.flashapp.gateway.invoice.SpeedPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding an invoice as the API returns it, and an event as terminals and webhooks receive it
 * (the per-request and per-event JSON work). The Vert.x JsonObject variant is the baseline a
 * straightforward implementation would use.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InvoiceJson -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InvoiceJsonBenchmark {
  private static final String METADATA = "{\"orderId\": \"A-10023\", \"itemDesc\": \"Flat white\", \"posData\": {\"table\": 4}}";
  private static final String CHECKOUT = "{\"speedPolicy\":\"MediumSpeed\",\"expirationMinutes\":15,\"monitoringMinutes\":1440,"
      + "\"paymentTolerance\":0,\"redirectURL\":null,\"redirectAutomatically\":false,\"defaultPaymentMethod\":null}";
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private final Invoice invoice = new Invoice("4mZ3JcNnRQXbbEJK8mXpQe", "9fAq1XAvBq1hbt8w6CwzZXgu3sjnqRUtU4k5zZ1PaF2",
      InvoiceType.Standard, new BigDecimal("12.50"), "USD", new BigDecimal("100000"), 12_500L, InvoiceStatus.New,
      AdditionalStatus.None, false, METADATA, CHECKOUT, SpeedPolicy.MediumSpeed, BigDecimal.ZERO, T,
      T.plusSeconds(900), T.plusSeconds(87_300), 0);

  @Benchmark
  public String invoice() {
    return InvoiceJson.encode(invoice, "https://pay.example.com/i/4mZ3JcNnRQXbbEJK8mXpQe");
  }

  @Benchmark
  public String invoiceWithVertxJsonObject() {
    return new JsonObject()
        .put("id", invoice.id()).put("storeId", invoice.storeId())
        .put("amount", InvoiceJson.formatAmount(invoice.amount(), invoice.currency()))
        .put("currency", invoice.currency()).put("type", invoice.type().name())
        .put("checkoutLink", "https://pay.example.com/i/4mZ3JcNnRQXbbEJK8mXpQe")
        .put("createdTime", invoice.createdAt().getEpochSecond())
        .put("expirationTime", invoice.expiresAt().getEpochSecond())
        .put("monitoringExpiration", invoice.monitoringExpiresAt().getEpochSecond())
        .put("status", invoice.status().name()).put("additionalStatus", invoice.additionalStatus().name())
        .put("archived", false)
        .put("metadata", new JsonObject(invoice.metadataJson()))
        .put("checkout", new JsonObject(invoice.checkoutJson()))
        .encode();
  }

  @Benchmark
  public String settledEvent() {
    return InvoiceEvents.status(EventType.InvoiceSettled, T, invoice.storeId(), invoice.id(), METADATA, false, false,
        false, false);
  }

  @Benchmark
  public String paymentEvent() {
    String payment = InvoiceEvents.paymentJson("b644b9d21b0eca94545f83da5c31657cc4a445a659b64ddd45878422d9c2ff1a-1", T,
        12_500L, "Processing", "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080");
    return InvoiceEvents.payment(EventType.InvoiceReceivedPayment, T, invoice.storeId(), invoice.id(), METADATA, false,
        "BTC-CHAIN", payment, false);
  }
}
