package me.flashapp.gateway.api;

import java.util.List;

/** Invalid fields in a request body: rendered as 422 {@code [{"path":..,"message":..}]}. */
public final class ValidationException extends RuntimeException {
  /** One invalid field; {@code path} is dotted ({@code checkout.speedPolicy}). */
  public record FieldError(String path, String message) {}

  private final List<FieldError> errors;

  public ValidationException(List<FieldError> errors) {
    super(errors.toString(), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public static ValidationException of(String path, String message) {
    return new ValidationException(List.of(new FieldError(path, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
