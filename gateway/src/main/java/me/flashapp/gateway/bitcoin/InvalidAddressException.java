package me.flashapp.gateway.bitcoin;

/**
 * An address string that is malformed, has a bad checksum, or belongs to another network. The
 * message is written for the API's 422 response ("address is for testnet, not mainnet").
 */
public final class InvalidAddressException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message a user-facing explanation */
  public InvalidAddressException(String message) {
    super(message);
  }

  /** @param message a user-facing explanation */
  public InvalidAddressException(String message, Throwable cause) {
    super(message, cause);
  }
}
