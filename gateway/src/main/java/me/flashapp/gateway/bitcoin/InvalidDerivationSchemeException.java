package me.flashapp.gateway.bitcoin;

/**
 * A derivation scheme (extended public key, BTCPay scheme or output descriptor) that cannot be
 * used: malformed, bad checksum, a private key, hardened steps after the key, or a key for another
 * network. The message is meant for the API's 422 response.
 */
public final class InvalidDerivationSchemeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message a user-facing explanation */
  public InvalidDerivationSchemeException(String message) {
    super(message);
  }

  /** @param message a user-facing explanation */
  public InvalidDerivationSchemeException(String message, Throwable cause) {
    super(message, cause);
  }
}
