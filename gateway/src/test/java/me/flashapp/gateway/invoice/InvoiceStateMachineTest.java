package me.flashapp.gateway.invoice;

import static me.flashapp.gateway.invoice.AdditionalStatus.Marked;
import static me.flashapp.gateway.invoice.AdditionalStatus.None;
import static me.flashapp.gateway.invoice.AdditionalStatus.PaidLate;
import static me.flashapp.gateway.invoice.AdditionalStatus.PaidOver;
import static me.flashapp.gateway.invoice.AdditionalStatus.PaidPartial;
import static me.flashapp.gateway.invoice.InvoiceStatus.Expired;
import static me.flashapp.gateway.invoice.InvoiceStatus.Invalid;
import static me.flashapp.gateway.invoice.InvoiceStatus.New;
import static me.flashapp.gateway.invoice.InvoiceStatus.Processing;
import static me.flashapp.gateway.invoice.InvoiceStatus.Settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.invoice.Transition.StatusEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The state machine as a table: invoice, payments and time in; status pair and events out. */
class InvoiceStateMachineTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant EXPIRES = T0.plusSeconds(900);
  static final Instant MONITORING_ENDS = EXPIRES.plusSeconds(3600);
  static final Instant BEFORE = T0.plusSeconds(60);
  static final Instant LATE = EXPIRES.plusSeconds(60);
  static final int FINAL = PaymentFact.FINAL;

  static Invoice invoice(Long due, String tolerance, SpeedPolicy speed, InvoiceStatus status, AdditionalStatus add) {
    return new Invoice("inv", "store", due == null ? InvoiceType.TopUp : InvoiceType.Standard,
        due == null ? null : BigDecimal.valueOf(due), "SATS", BigDecimal.valueOf(100_000_000L), due, status, add, false,
        "{}", "{}", speed, new BigDecimal(tolerance), T0, EXPIRES, MONITORING_ENDS, 3);
  }

  /** A 10,000-sat MediumSpeed invoice with no tolerance. */
  static Invoice inv(InvoiceStatus status, AdditionalStatus add) {
    return invoice(10_000L, "0", SpeedPolicy.MediumSpeed, status, add);
  }

  static PaymentFact pay(long sats, int confirmations, Instant at) {
    return new PaymentFact(sats, true, confirmations, at);
  }

  static PaymentFact voided(long sats, Instant at) {
    return new PaymentFact(sats, false, 3, at);
  }

  static StatusEvent processing(boolean overPaid) {
    return new StatusEvent(EventType.InvoiceProcessing, overPaid, false, false, false);
  }

  static StatusEvent settled(boolean overPaid) {
    return new StatusEvent(EventType.InvoiceSettled, overPaid, false, false, false);
  }

  static StatusEvent expired(boolean partiallyPaid, boolean paidAfterExpiration) {
    return new StatusEvent(EventType.InvoiceExpired, false, partiallyPaid, paidAfterExpiration, false);
  }

  static final StatusEvent INVALID = new StatusEvent(EventType.InvoiceInvalid, false, false, false, false);

  static Arguments row(String name, Invoice inv, List<PaymentFact> payments, Instant now, InvoiceStatus status,
                       AdditionalStatus add, StatusEvent... events) {
    return Arguments.of(name, inv, payments, now, status, add, List.of(events));
  }

  static Stream<Arguments> table() {
    Invoice fresh = inv(New, None);
    Invoice onePercent = invoice(10_000L, "1", SpeedPolicy.MediumSpeed, New, None);
    Invoice topUp = invoice(null, "0", SpeedPolicy.MediumSpeed, New, None);
    Invoice processingInv = inv(Processing, None);
    return Stream.of(
        row("nothing paid yet", fresh, List.of(), BEFORE, New, None),
        row("underpaid", fresh, List.of(pay(9_999, 6, BEFORE)), BEFORE, New, PaidPartial),
        row("exact, unconfirmed", fresh, List.of(pay(10_000, 0, BEFORE)), BEFORE, Processing, None, processing(false)),
        row("exact, confirmed", fresh, List.of(pay(10_000, 1, BEFORE)), BEFORE, Settled, None,
            processing(false), settled(false)),
        row("two payments make the price", fresh, List.of(pay(4_000, 1, BEFORE), pay(6_000, 2, BEFORE)), BEFORE,
            Settled, None, processing(false), settled(false)),
        row("overpaid, unconfirmed", fresh, List.of(pay(10_001, 0, BEFORE)), BEFORE, Processing, PaidOver,
            processing(true)),
        row("overpaid, confirmed", fresh, List.of(pay(12_000, 1, BEFORE)), BEFORE, Settled, PaidOver,
            processing(true), settled(true)),
        row("1% tolerance accepts 9,900", onePercent, List.of(pay(9_900, 1, BEFORE)), BEFORE, Settled, None,
            processing(false), settled(false)),
        row("1% tolerance refuses 9,899", onePercent, List.of(pay(9_899, 1, BEFORE)), BEFORE, New, PaidPartial),
        row("paid in full after expiry", fresh, List.of(pay(10_000, 1, LATE)), LATE, Expired, PaidLate,
            expired(false, true)),
        row("paid exactly at expiry is late", fresh, List.of(pay(10_000, 1, EXPIRES)), EXPIRES, Expired, PaidLate,
            expired(false, true)),
        row("paid before expiry, seen after", fresh, List.of(pay(10_000, 0, BEFORE)), LATE, Processing, None,
            processing(false)),
        row("partial then expiry", inv(New, PaidPartial), List.of(pay(5_000, 1, BEFORE)), EXPIRES, Expired, PaidPartial,
            expired(true, false)),
        row("partial before and rest after expiry", fresh, List.of(pay(5_000, 1, BEFORE), pay(5_000, 1, LATE)), LATE,
            Expired, PaidLate, expired(false, true)),
        row("nothing paid at expiry", fresh, List.of(), EXPIRES, Expired, None, expired(false, false)),
        row("expired, then paid in full", inv(Expired, None), List.of(pay(10_000, 1, LATE)), LATE, Expired, PaidLate),
        row("expired, then paid in part", inv(Expired, None), List.of(pay(10, 1, LATE)), LATE, Expired, PaidPartial),
        row("expired, nothing new", inv(Expired, None), List.of(), LATE, Expired, None),
        row("processing, not yet confirmed", processingInv, List.of(pay(10_000, 0, BEFORE)), LATE, Processing, None),
        row("processing, confirmed", processingInv, List.of(pay(10_000, 1, BEFORE)), LATE, Settled, None,
            settled(false)),
        row("processing, partly confirmed", processingInv, List.of(pay(5_000, 1, BEFORE), pay(5_000, 0, BEFORE)), LATE,
            Processing, None),
        row("processing until monitoring ends", processingInv, List.of(pay(10_000, 0, BEFORE)),
            MONITORING_ENDS.minusSeconds(1), Processing, None),
        row("monitoring ends unconfirmed", processingInv, List.of(pay(10_000, 0, BEFORE)), MONITORING_ENDS, Invalid,
            None, INVALID),
        row("monitoring ends, overpaid", inv(Processing, PaidOver), List.of(pay(11_000, 0, BEFORE)), MONITORING_ENDS,
            Invalid, PaidOver, INVALID),
        row("payment invalidated before expiry", processingInv, List.of(voided(10_000, BEFORE)), BEFORE, New, None),
        row("payment invalidated, part remains", processingInv, List.of(pay(3_000, 0, BEFORE), voided(7_000, BEFORE)),
            BEFORE, New, PaidPartial),
        row("payment invalidated after expiry", processingInv, List.of(voided(10_000, BEFORE)), LATE, Expired, None,
            expired(false, false)),
        row("payment invalidated after expiry, part remains", processingInv,
            List.of(pay(3_000, 0, BEFORE), voided(7_000, BEFORE)), LATE, Expired, PaidPartial, expired(true, false)),
        row("overpayment invalidated, price still covered", inv(Processing, PaidOver),
            List.of(pay(10_000, 0, BEFORE), voided(500, BEFORE)), BEFORE, Processing, None),
        row("100% tolerance still needs a payment", invoice(10_000L, "100", SpeedPolicy.HighSpeed, New, None),
            List.of(), EXPIRES, Expired, None, expired(false, false)),
        row("top-up: one sat is enough", topUp, List.of(pay(1, 0, BEFORE)), BEFORE, Processing, None, processing(false)),
        row("top-up: any amount settles, never overpaid", topUp, List.of(pay(5_000_000, 1, BEFORE)), BEFORE, Settled,
            None, processing(false), settled(false)),
        row("top-up: nothing paid at expiry", topUp, List.of(), EXPIRES, Expired, None, expired(false, false)),
        row("settled is final", inv(Settled, None), List.of(voided(10_000, BEFORE)), MONITORING_ENDS, Settled, None),
        row("settled stays settled when paid more", inv(Settled, Marked), List.of(pay(99_000, 9, LATE)), LATE, Settled,
            Marked),
        row("invalid is final", inv(Invalid, None), List.of(pay(10_000, 6, BEFORE)), BEFORE, Invalid, None),
        row("marked invalid is final", inv(Invalid, Marked), List.of(pay(10_000, FINAL, BEFORE)), BEFORE, Invalid,
            Marked));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void evaluate(String name, Invoice inv, List<PaymentFact> payments, Instant now, InvoiceStatus status,
                AdditionalStatus additional, List<StatusEvent> events) {
    Transition t = InvoiceStateMachine.evaluate(inv, payments, now);
    assertThat(t.status()).as("status").isEqualTo(status);
    assertThat(t.additionalStatus()).as("additionalStatus").isEqualTo(additional);
    assertThat(t.events()).as("events").containsExactlyElementsOf(events);
  }

  @ParameterizedTest(name = "{0}: {1} confirmations → {2}")
  @CsvSource({
      "HighSpeed, 0, Settled",
      "MediumSpeed, 0, Processing", "MediumSpeed, 1, Settled",
      "LowMediumSpeed, 1, Processing", "LowMediumSpeed, 2, Settled",
      "LowSpeed, 5, Processing", "LowSpeed, 6, Settled", "LowSpeed, 7, Settled"})
  void confirmationsEachSpeedPolicyNeeds(SpeedPolicy speed, int confirmations, InvoiceStatus expected) {
    Invoice inv = invoice(10_000L, "0", speed, New, None);
    Transition t = InvoiceStateMachine.evaluate(inv, List.of(pay(10_000, confirmations, BEFORE)), BEFORE);
    assertThat(t.status()).isEqualTo(expected);
    assertThat(t.events()).first().isEqualTo(processing(false));
    assertThat(t.events()).hasSize(expected == Settled ? 2 : 1);
  }

  @ParameterizedTest
  @CsvSource({"HighSpeed", "MediumSpeed", "LowMediumSpeed", "LowSpeed"})
  void finalPaymentsSettleAtOnceUnderEveryPolicy(SpeedPolicy speed) {
    Invoice inv = invoice(10_000L, "0", speed, New, None);
    Transition t = InvoiceStateMachine.evaluate(inv, List.of(pay(10_000, FINAL, BEFORE)), BEFORE);
    assertThat(t.status()).isEqualTo(Settled);
    assertThat(t.events()).containsExactly(processing(false), settled(false));
  }

  @ParameterizedTest(name = "{0}% of {1} sats accepts at least {2}")
  @CsvSource({"0, 10000, 10000", "1, 10000, 9900", "0.5, 999, 995", "2.5, 1000, 975", "100, 1000, 1", "1, 50, 50"})
  void toleranceNeverAcceptsLessThanItAllows(String tolerance, long due, long minimum) {
    assertThat(invoice(due, tolerance, SpeedPolicy.MediumSpeed, New, None).minimumAcceptedSats()).isEqualTo(minimum);
  }

  @Test
  void aTopUpInvoiceNeedsAtLeastOneSat() {
    assertThat(invoice(null, "0", SpeedPolicy.MediumSpeed, New, None).minimumAcceptedSats()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}/{1} → {2}")
  @CsvSource({
      "New, None, 'Settled,Invalid'",
      "New, PaidPartial, 'Settled,Invalid'",
      "Processing, None, 'Settled,Invalid'",
      "Processing, PaidOver, 'Settled,Invalid'",
      "Expired, None, 'Settled,Invalid'",
      "Expired, PaidLate, 'Settled,Invalid'",
      "Invalid, None, Settled",
      "Invalid, Marked, Settled",
      "Settled, Marked, Invalid",
      "Settled, None, ''",
      "Settled, PaidOver, ''"})
  void manualTargetsDependOnStatus(InvoiceStatus status, AdditionalStatus add, String targets) {
    List<InvoiceStatus> expected = targets.isEmpty() ? List.of()
        : Stream.of(targets.split(",")).map(InvoiceStatus::valueOf).toList();
    Invoice inv = inv(status, add);
    assertThat(InvoiceStateMachine.manualTargets(inv)).containsExactlyElementsOf(expected);
    for (InvoiceStatus target : InvoiceStatus.values()) {
      if (expected.contains(target)) {
        Transition t = InvoiceStateMachine.mark(inv, target);
        assertThat(t.status()).isEqualTo(target);
        assertThat(t.additionalStatus()).isEqualTo(Marked);
        EventType type = target == Settled ? EventType.InvoiceSettled : EventType.InvoiceInvalid;
        assertThat(t.events()).containsExactly(new StatusEvent(type, false, false, false, true));
      } else {
        assertThatThrownBy(() -> InvoiceStateMachine.mark(inv, target)).as(status + " → " + target)
            .isInstanceOf(IllegalStateException.class).hasMessageContaining(target.name());
      }
    }
  }

  @Test
  void aTransitionReportsWhetherItChangesAnything() {
    Transition same = InvoiceStateMachine.evaluate(inv(New, None), List.of(), BEFORE);
    assertThat(same.changes(New, None)).isFalse();
    Transition partial = InvoiceStateMachine.evaluate(inv(New, None), List.of(pay(1, 0, BEFORE)), BEFORE);
    assertThat(partial.changes(New, None)).isTrue();
    assertThat(partial.events()).isEmpty();
  }
}
