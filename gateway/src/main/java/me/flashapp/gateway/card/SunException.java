package me.flashapp.gateway.card;

/**
 * A Bolt Card tap that cannot be accepted, with a stable {@link Reason} for the API's error code.
 * Messages describe the problem, never keys, and never the expected MAC.
 */
public final class SunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the tap was refused. */
  public enum Reason {
    /** {@code p} or {@code c} is not hex of the right length. */
    MALFORMED,
    /** {@code p} decrypted to something other than a PICC data block: wrong K1 or not a Bolt Card. */
    BAD_PICC_DATA,
    /** {@code c} does not match: wrong K2, forged or altered URL. */
    BAD_MAC
  }

  private final Reason reason;

  public SunException(Reason reason, String message) {
    super(message, null, false, false); // expected on bad input: no stack trace cost per bad tap
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
