package me.flashapp.gateway.lightning;

/** A BOLT11 invoice that cannot be decoded or encoded; the message says which rule it breaks. */
public final class Bolt11Exception extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public Bolt11Exception(String message) {
    super(message);
  }

  public Bolt11Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
