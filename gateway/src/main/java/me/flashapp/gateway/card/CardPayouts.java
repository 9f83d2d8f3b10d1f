package me.flashapp.gateway.card;

import io.vertx.core.Future;

/**
 * Seam to the Lightning payouts service (built in the lightning package, wired by the gateway):
 * what LNURL-withdraw and merchant settlement need from it. Not implemented in the card package.
 *
 * <p>Intended flow for a withdraw: in one transaction post {@code card:<id> → payouts-in-flight}
 * (idempotency key {@code withdraw:<k1>}), then {@link #pay}; on {@link Outcome#SUCCEEDED} post
 * {@code payouts-in-flight → external} (and the fee to {@code fees}); on {@link Outcome#FAILED}
 * post {@code payouts-in-flight → card:<id>} (the refund). Idempotency keys make a retry after a
 * crash harmless; the payment hash keys the payout in LND so it is never sent twice.
 */
public interface CardPayouts {
  /** How a payout ended. */
  enum Outcome { SUCCEEDED, FAILED }

  /** A finished payout: outcome and the routing fee actually paid, in sats. */
  record Result(Outcome outcome, long feeSats, String failureReason) {}

  /**
   * Pays a BOLT11 invoice of at most {@code maxFeeSats} routing fee. Completes when the payment
   * is final (succeeded or failed), never with an in-between state.
   *
   * @param idempotencyKey the same key never pays twice
   */
  Future<Result> pay(String bolt11, long maxFeeSats, String idempotencyKey);
}
