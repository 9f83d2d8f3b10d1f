package me.flashapp.gateway.config;

import java.util.Locale;

/** The Bitcoin network the gateway serves. Only regtest may run against the devnet simulators. */
public enum Network {
  MAINNET, TESTNET, SIGNET, REGTEST;

  public static Network parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "mainnet", "main", "bitcoin" -> MAINNET;
      case "testnet", "testnet3", "test" -> TESTNET;
      case "signet" -> SIGNET;
      case "regtest" -> REGTEST;
      default -> throw new ConfigException("GATEWAY_NETWORK: unknown network '" + s + "' (mainnet, testnet, signet, regtest)");
    };
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
