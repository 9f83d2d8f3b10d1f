package me.flashapp.gateway.invoice;

/**
 * Every payment method the store has enabled failed to prepare (its node unreachable, ...), so
 * the invoice could not be offered at all; the message names the methods (their errors, which may
 * name the operator's hosts and paths, are logged, not shown). When only some fail, the invoice is
 * created with the others (as BTCPay does), not refused.
 */
public final class PaymentMethodsUnavailableException extends RuntimeException {
  public PaymentMethodsUnavailableException(java.util.Collection<String> methodIds) {
    super("No payment method is available for this invoice right now: " + String.join(", ", methodIds)
        + " could not be prepared; try again later");
  }
}
