package me.flashapp.gateway.invoice;

/**
 * How an invoice can be paid with one method.
 *
 * @param destination the address, BOLT11 invoice, ...
 * @param paymentLink a URI a wallet opens ({@code bitcoin:..}, {@code lightning:..})
 * @param detailsJson method-specific data as a JSON object (derivation index, payment hash)
 */
public record InvoicePaymentMethod(String paymentMethodId, String destination, String paymentLink,
                                   String detailsJson) {}
