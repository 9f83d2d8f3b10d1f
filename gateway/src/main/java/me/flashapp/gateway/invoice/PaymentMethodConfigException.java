package me.flashapp.gateway.invoice;

/** A store's payment-method configuration is invalid; {@code path} names the field ({@code config.derivationScheme}). */
public final class PaymentMethodConfigException extends IllegalArgumentException {
  private final String path;

  public PaymentMethodConfigException(String path, String message) {
    super(message);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
