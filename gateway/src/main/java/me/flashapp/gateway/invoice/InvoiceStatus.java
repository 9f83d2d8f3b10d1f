package me.flashapp.gateway.invoice;

/** Greenfield invoice status. Only {@link InvoiceStateMachine} decides a change. */
public enum InvoiceStatus {
  New, Processing, Settled, Expired, Invalid
}
