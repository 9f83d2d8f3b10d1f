package me.flashapp.gateway.settlement;

import java.time.Instant;

/**
 * A payment a listener saw, toward the invoice whose payment method it paid.
 *
 * @param paymentId unique within the method: {@code <txid>-<vout>}, a payment hash, a card tap
 * @param confirmations on-chain confirmations, or {@link me.flashapp.gateway.invoice.PaymentFact#FINAL}
 * @param detailsJson method-specific data as a JSON object (block hash, preimage, card id)
 */
public record DetectedPayment(String paymentMethodId, String paymentId, String invoiceId, long valueSats,
                              int confirmations, Instant receivedAt, String destination, String detailsJson) {
  public DetectedPayment {
    if (valueSats <= 0) {
      throw new IllegalArgumentException("a payment's value must be positive");
    }
  }
}
