package me.flashapp.gateway.store;

import java.math.BigDecimal;
import java.time.Instant;
import me.flashapp.gateway.invoice.SpeedPolicy;

/** A merchant's store and the invoice defaults it sets. Durations in seconds, tolerance in percent. */
public record Store(
    String id,
    String name,
    String website,
    String defaultCurrency,
    int invoiceExpiration,
    int monitoringExpiration,
    SpeedPolicy speedPolicy,
    BigDecimal paymentTolerance,
    Instant createdAt) {

  public static final int DEFAULT_INVOICE_EXPIRATION = 900;
  public static final int DEFAULT_MONITORING_EXPIRATION = 86_400;
}
