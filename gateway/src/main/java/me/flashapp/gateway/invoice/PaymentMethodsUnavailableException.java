package me.flashapp.gateway.invoice;

/**
 * Every payment method the store has enabled failed to prepare (its node unreachable, ...), so
 * the invoice could not be offered at all; the message names each method and why. When only some
 * fail, the invoice is created with the others (as BTCPay does), not refused.
 */
public final class PaymentMethodsUnavailableException extends RuntimeException {
  public PaymentMethodsUnavailableException(String reasons) {
    super("No payment method is available for this invoice: " + reasons);
  }
}
