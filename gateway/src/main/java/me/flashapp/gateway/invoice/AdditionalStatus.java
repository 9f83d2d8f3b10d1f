package me.flashapp.gateway.invoice;

/** Greenfield {@code additionalStatus}: why an invoice is in its status. */
public enum AdditionalStatus {
  None, PaidPartial, PaidOver, PaidLate, Marked, Invalid
}
