package me.flashapp.gateway.api;

/**
 * A request failed for a reason the client can act on: rendered by {@link ErrorHandler} as
 * {@code {"code":..,"message":..}} with the given HTTP status. The code is stable; clients switch
 * on it, never on the message.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, "unauthenticated", message);
  }

  public static ApiException forbidden(String policy) {
    return new ApiException(403, "missing-permission", "The API key lacks the permission " + policy);
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  public static ApiException storeNotFound() {
    return notFound("store-not-found", "The store was not found");
  }

  public static ApiException invoiceNotFound() {
    return notFound("invoice-not-found", "The invoice was not found");
  }
}
