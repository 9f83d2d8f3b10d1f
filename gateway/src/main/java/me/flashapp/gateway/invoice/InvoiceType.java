package me.flashapp.gateway.invoice;

/** A Standard invoice has an amount; a TopUp invoice accepts whatever is paid. */
public enum InvoiceType {
  Standard, TopUp
}
