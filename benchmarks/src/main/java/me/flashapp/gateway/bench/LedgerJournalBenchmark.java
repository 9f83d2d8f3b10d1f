package me.flashapp.gateway.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import me.flashapp.gateway.ledger.Accounts;
import me.flashapp.gateway.ledger.Journal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The pure part of a ledger posting: building and validating a journal (runs once per card tap). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LedgerJournalBenchmark {
  private final String card = Accounts.card("4mZ3JcNnRQXbbEJK8mXpQe");
  private final String store = Accounts.store("7Xq2bYfWm9hT3kLpN5sVdRcZa8eUjG4H");
  private final Journal split = new Journal("split:1", "card-payment", "inv", List.of(new Journal.Line(card, -1_300),
      new Journal.Line(store, 1_234), new Journal.Line(Accounts.FEES, 66)));
  private long counter;

  @Benchmark
  public Journal cardPaymentTransfer() {
    return Journal.transfer("card:x:" + (counter++), "card-payment", "inv", card, store, 1_234).validate();
  }

  @Benchmark
  public Journal threeLineValidate() {
    return split.validate();
  }
}
