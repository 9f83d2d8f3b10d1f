package me.flashapp.gateway.invoice;

import java.math.BigDecimal;

/**
 * A validated request for a new invoice.
 *
 * @param amount the price; null for a top-up invoice
 * @param currency normalized code (BTC, SATS or ISO 4217)
 * @param metadataJson a JSON object as text
 * @param expirationSeconds, monitoringSeconds null = the store's defaults
 */
public record NewInvoice(
    BigDecimal amount,
    String currency,
    String metadataJson,
    SpeedPolicy speedPolicy,
    Integer expirationSeconds,
    Integer monitoringSeconds,
    BigDecimal paymentTolerance,
    String redirectUrl,
    Boolean redirectAutomatically,
    String defaultPaymentMethod) {}
