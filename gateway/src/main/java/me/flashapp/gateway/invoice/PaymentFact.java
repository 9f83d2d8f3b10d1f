package me.flashapp.gateway.invoice;

import java.time.Instant;

/**
 * What the state machine needs to know of one payment toward an invoice.
 *
 * @param valueSats what it pays, in satoshis
 * @param valid false once it is known not to count (double-spent, replaced, dropped by a reorg)
 * @param confirmations on-chain confirmations; {@link #FINAL} for Lightning and card payments,
 *     which cannot be reversed once recorded
 * @param receivedAt when the gateway first saw it (decides whether it came after expiry)
 */
public record PaymentFact(long valueSats, boolean valid, int confirmations, Instant receivedAt) {
  public static final int FINAL = Integer.MAX_VALUE;
}
