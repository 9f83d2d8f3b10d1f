package me.flashapp.gateway.lightning;

import io.grpc.Status;

/** A failed LND call, with a message that says what to fix (macaroon, certificate, address). */
public final class LndException extends RuntimeException {
  private final Status.Code code;

  public LndException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Status.Code code() {
    return code;
  }
}
