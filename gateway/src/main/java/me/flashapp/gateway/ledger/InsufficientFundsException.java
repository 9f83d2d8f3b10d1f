package me.flashapp.gateway.ledger;

/**
 * A posting would take an account that must stay non-negative (a card, a store) below zero.
 * The caller's transaction must roll back; nothing of the journal is kept.
 */
public final class InsufficientFundsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String account;

  public InsufficientFundsException(String account) {
    super("insufficient funds on " + account, null, false, false);
    this.account = account;
  }

  public String account() {
    return account;
  }
}
