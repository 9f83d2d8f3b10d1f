package me.flashapp.gateway.invoice;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An invoice as stored.
 *
 * @param amount the price in {@code currency}; null for a top-up invoice
 * @param rate currency units per BTC when it was created (1 for BTC, 100,000,000 for SATS)
 * @param dueSats the price in satoshis, fixed at creation; null for a top-up invoice
 * @param metadataJson the merchant's metadata object, as JSON text (kept exact, never re-parsed as doubles)
 * @param checkoutJson the checkout options object, as JSON text
 * @param version bumped by every status change (optimistic concurrency)
 */
public record Invoice(
    String id,
    String storeId,
    InvoiceType type,
    BigDecimal amount,
    String currency,
    BigDecimal rate,
    Long dueSats,
    InvoiceStatus status,
    AdditionalStatus additionalStatus,
    boolean archived,
    String metadataJson,
    String checkoutJson,
    SpeedPolicy speedPolicy,
    BigDecimal paymentTolerance,
    Instant createdAt,
    Instant expiresAt,
    Instant monitoringExpiresAt,
    int version) {

  public boolean isTopUp() {
    return dueSats == null;
  }

  /**
   * The least that counts as paid in full: the price less the payment tolerance, rounded so the
   * merchant never accepts less than the tolerance allows.
   */
  public long minimumAcceptedSats() {
    if (dueSats == null) {
      return 1;
    }
    BigDecimal slack = BigDecimal.valueOf(dueSats).multiply(paymentTolerance).movePointLeft(2);
    // at least one sat: a 100% tolerance must not count an unpaid invoice as paid
    return Math.max(1, dueSats - slack.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
  }
}
