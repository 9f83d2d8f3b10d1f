package me.flashapp.gateway.card;

/**
 * An LNURL request that cannot be served; answered as {@code {"status":"ERROR","reason":..}}
 * (LUD-03, LUD-06), always HTTP 200 with that body as the LNURL specs expect. The reason is shown
 * to the wallet's user, so it never carries a secret (k1, keys).
 */
public final class LnurlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LnurlException(String reason) {
    super(reason, null, false, false);
  }
}
