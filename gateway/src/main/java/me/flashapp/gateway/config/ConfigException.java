package me.flashapp.gateway.config;

/** A configuration value is missing or invalid; the message names the setting and what is wrong. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
