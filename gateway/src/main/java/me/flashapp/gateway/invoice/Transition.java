package me.flashapp.gateway.invoice;

import java.util.List;
import me.flashapp.gateway.events.EventType;

/** The state machine's verdict: the new status pair and the events that announce it. */
public record Transition(InvoiceStatus status, AdditionalStatus additionalStatus, List<StatusEvent> events) {

  /** One event with the Greenfield flags it carries. */
  public record StatusEvent(EventType type, boolean overPaid, boolean partiallyPaid, boolean afterExpiration,
                            boolean manuallyMarked) {
    static StatusEvent of(EventType type) {
      return new StatusEvent(type, false, false, false, false);
    }
  }

  public boolean changes(InvoiceStatus fromStatus, AdditionalStatus fromAdditional) {
    return status != fromStatus || additionalStatus != fromAdditional;
  }
}
