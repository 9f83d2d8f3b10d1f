package me.flashapp.gateway.card;

/** A tap that does not verify (bad p or c, unknown card, rate limited), with a stable reason code. */
public final class TapDeclinedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String reason;
  private final transient Card card;

  public TapDeclinedException(String reason) {
    this(reason, null);
  }

  public TapDeclinedException(String reason, Card card) {
    super(reason, null, false, false);
    this.reason = reason;
    this.card = card;
  }

  public String reason() {
    return reason;
  }

  /** The card the tap named, when it named one. */
  public Card card() {
    return card;
  }
}
