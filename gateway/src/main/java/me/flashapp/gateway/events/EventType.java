package me.flashapp.gateway.events;

/** Greenfield webhook event types; the outbox, POS terminals and webhooks all use these names. */
public enum EventType {
  InvoiceCreated,
  InvoiceReceivedPayment,
  InvoicePaymentSettled,
  InvoiceProcessing,
  InvoiceExpired,
  InvoiceSettled,
  InvoiceInvalid
}
