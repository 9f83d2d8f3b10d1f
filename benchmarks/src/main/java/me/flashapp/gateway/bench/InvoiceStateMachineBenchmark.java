package me.flashapp.gateway.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.invoice.AdditionalStatus;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceStateMachine;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.invoice.InvoiceType;
import me.flashapp.gateway.invoice.PaymentFact;
import me.flashapp.gateway.invoice.SpeedPolicy;
import me.flashapp.gateway.invoice.Transition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The invoice state machine's decision for a payment arriving (pure; runs once per payment). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InvoiceStateMachineBenchmark {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
  private final Invoice invoice = new Invoice("4mZ3JcNnRQXbbEJK8mXpQe", "store", InvoiceType.Standard,
      new BigDecimal("12.50"), "USD", new BigDecimal("100000"), 12_500L, InvoiceStatus.New, AdditionalStatus.None,
      false, "{}", "{}", SpeedPolicy.MediumSpeed, new BigDecimal("1"), T, T.plusSeconds(900), T.plusSeconds(87_300), 0);
  private final List<PaymentFact> partial = List.of(new PaymentFact(5_000, true, 0, T.plusSeconds(10)));
  private final List<PaymentFact> full = List.of(new PaymentFact(5_000, true, 1, T.plusSeconds(10)),
      new PaymentFact(7_500, true, 0, T.plusSeconds(20)));
  private final Instant now = T.plusSeconds(30);

  @Benchmark
  public Transition partialPayment() {
    return InvoiceStateMachine.evaluate(invoice, partial, now);
  }

  @Benchmark
  public Transition fullPaymentSettlesOnConfirmation() {
    return InvoiceStateMachine.evaluate(invoice, full, now);
  }
}
