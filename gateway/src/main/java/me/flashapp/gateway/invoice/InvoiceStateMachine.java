package me.flashapp.gateway.invoice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import me.flashapp.gateway.events.EventType;
import me.flashapp.gateway.invoice.Transition.StatusEvent;

/**
 * The only code that decides an invoice's status. Pure: given the invoice, its payments and the
 * time, it returns the new status pair and the events to publish. Callers persist the result.
 *
 * <p>The rules follow BTCPay Server's invoice watcher:
 * <ul>
 *   <li>New → Processing when the valid payments reach the price (less tolerance) before expiry;
 *       additionalStatus PaidOver if they exceed the price.
 *   <li>Processing → Settled when the payments that reach the price have the confirmations the
 *       speed policy asks for (Lightning and card payments count as final at once).
 *   <li>Processing → Invalid when monitoring expires before that.
 *   <li>New → Expired at the expiry time; PaidPartial if something was paid.
 *   <li>Expired stays Expired when paid late; additionalStatus PaidLate tells the merchant.
 *   <li>Processing → New (or Expired) if a payment is invalidated (double spend, reorg) and the rest
 *       no longer cover the price.
 *   <li>Settled and Invalid are final, except by manual marking.
 * </ul>
 */
public final class InvoiceStateMachine {
  private InvoiceStateMachine() {}

  /** Re-evaluates the invoice at {@code now}. */
  public static Transition evaluate(Invoice inv, List<PaymentFact> payments, Instant now) {
    InvoiceStatus status = inv.status();
    AdditionalStatus additional = inv.additionalStatus();
    List<StatusEvent> events = new ArrayList<>(2);
    if (status == InvoiceStatus.Settled || status == InvoiceStatus.Invalid) {
      return new Transition(status, additional, List.of());
    }

    long paid = 0;
    long paidBeforeExpiry = 0;
    long confirmedPaid = 0;
    int required = inv.speedPolicy().requiredConfirmations();
    for (PaymentFact p : payments) {
      if (!p.valid()) {
        continue;
      }
      paid = Math.addExact(paid, p.valueSats());
      if (p.receivedAt().isBefore(inv.expiresAt())) {
        paidBeforeExpiry = Math.addExact(paidBeforeExpiry, p.valueSats());
      }
      if (p.confirmations() >= required) {
        confirmedPaid = Math.addExact(confirmedPaid, p.valueSats());
      }
    }
    long minimum = inv.minimumAcceptedSats();
    boolean fullyPaid = paid >= minimum;
    boolean overPaid = !inv.isTopUp() && paid > inv.dueSats();
    boolean expired = !now.isBefore(inv.expiresAt());

    if (status == InvoiceStatus.Processing && !fullyPaid) {
      // A payment was invalidated and the rest no longer cover the price.
      status = expired ? InvoiceStatus.Expired : InvoiceStatus.New;
      additional = paid > 0 ? AdditionalStatus.PaidPartial : AdditionalStatus.None;
      if (status == InvoiceStatus.Expired) {
        events.add(new StatusEvent(EventType.InvoiceExpired, false, paid > 0, false, false));
      }
      return new Transition(status, additional, events);
    }

    if (status == InvoiceStatus.New) {
      if (paidBeforeExpiry >= minimum) {
        status = InvoiceStatus.Processing;
        additional = overPaid ? AdditionalStatus.PaidOver : AdditionalStatus.None;
        events.add(new StatusEvent(EventType.InvoiceProcessing, overPaid, false, false, false));
      } else if (expired) {
        status = InvoiceStatus.Expired;
        additional = fullyPaid ? AdditionalStatus.PaidLate
            : paid > 0 ? AdditionalStatus.PaidPartial : AdditionalStatus.None;
        events.add(new StatusEvent(EventType.InvoiceExpired, false, paid > 0 && !fullyPaid, fullyPaid, false));
        return new Transition(status, additional, events);
      } else {
        additional = paid > 0 ? AdditionalStatus.PaidPartial : AdditionalStatus.None;
        return new Transition(status, additional, events);
      }
    }

    if (status == InvoiceStatus.Expired) {
      if (fullyPaid) {
        additional = AdditionalStatus.PaidLate;
      } else if (paid > 0 && additional != AdditionalStatus.Marked) {
        additional = AdditionalStatus.PaidPartial;
      }
      return new Transition(status, additional, events);
    }

    // Processing: settle once enough is confirmed, or give up when monitoring ends.
    // recomputed, not only raised: an invalidated payment may leave the price covered but no longer exceeded
    additional = overPaid ? AdditionalStatus.PaidOver : AdditionalStatus.None;
    if (confirmedPaid >= minimum) {
      status = InvoiceStatus.Settled;
      events.add(new StatusEvent(EventType.InvoiceSettled, overPaid, false, false, false));
    } else if (!now.isBefore(inv.monitoringExpiresAt())) {
      status = InvoiceStatus.Invalid;
      events.add(StatusEvent.of(EventType.InvoiceInvalid));
    }
    return new Transition(status, additional, events);
  }

  /** Statuses a merchant may mark this invoice as, given its status now. */
  public static List<InvoiceStatus> manualTargets(Invoice inv) {
    return switch (inv.status()) {
      case New, Processing, Expired -> List.of(InvoiceStatus.Settled, InvoiceStatus.Invalid);
      case Invalid -> List.of(InvoiceStatus.Settled);
      case Settled -> inv.additionalStatus() == AdditionalStatus.Marked ? List.of(InvoiceStatus.Invalid) : List.of();
    };
  }

  /**
   * A merchant marks the invoice Settled or Invalid (additionalStatus Marked).
   *
   * @throws IllegalStateException if that change is not allowed from the current status
   */
  public static Transition mark(Invoice inv, InvoiceStatus target) {
    if (!manualTargets(inv).contains(target)) {
      throw new IllegalStateException("An invoice that is " + inv.status() + " cannot be marked " + target);
    }
    EventType type = target == InvoiceStatus.Settled ? EventType.InvoiceSettled : EventType.InvoiceInvalid;
    return new Transition(target, AdditionalStatus.Marked, List.of(new StatusEvent(type, false, false, false, true)));
  }
}
