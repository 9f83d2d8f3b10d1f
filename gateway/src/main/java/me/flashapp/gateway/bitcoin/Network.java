package me.flashapp.gateway.bitcoin;

import java.util.Locale;
import org.bitcoinj.base.BitcoinNetwork;

/**
 * The Bitcoin networks the gateway can run on, with the prefixes that make an address or an
 * extended key belong to one of them. Testnet and signet share every prefix, and regtest shares
 * testnet's base58 prefixes, exactly as in Bitcoin Core.
 */
public enum Network {
  /** Bitcoin mainnet. */
  MAINNET("mainnet", "bc", 0x00, 0x05, false, BitcoinNetwork.MAINNET),
  /** Testnet (3 or 4: same prefixes). */
  TESTNET("testnet", "tb", 0x6f, 0xc4, true, BitcoinNetwork.TESTNET),
  /** Signet. */
  SIGNET("signet", "tb", 0x6f, 0xc4, true, BitcoinNetwork.SIGNET),
  /** Regtest (the devnet simulator's chain). */
  REGTEST("regtest", "bcrt", 0x6f, 0xc4, true, BitcoinNetwork.REGTEST);

  private final String id;
  private final String bech32Hrp;
  private final int p2pkhPrefix;
  private final int p2shPrefix;
  private final boolean testKeys;
  private final BitcoinNetwork bitcoinj;

  Network(String id, String bech32Hrp, int p2pkhPrefix, int p2shPrefix, boolean testKeys, BitcoinNetwork bitcoinj) {
    this.id = id;
    this.bech32Hrp = bech32Hrp;
    this.p2pkhPrefix = p2pkhPrefix;
    this.p2shPrefix = p2shPrefix;
    this.testKeys = testKeys;
    this.bitcoinj = bitcoinj;
  }

  /** Lower-case name as used in configuration ({@code GATEWAY_NETWORK}). */
  public String id() {
    return id;
  }

  /** Human-readable part of segwit addresses (bc, tb, tb, bcrt). */
  public String bech32Hrp() {
    return bech32Hrp;
  }

  /** Base58 version byte of P2PKH addresses (0x00 mainnet, 0x6f otherwise). */
  public int p2pkhPrefix() {
    return p2pkhPrefix;
  }

  /** Base58 version byte of P2SH addresses (0x05 mainnet, 0xc4 otherwise). */
  public int p2shPrefix() {
    return p2shPrefix;
  }

  /** Whether extended keys use the test versions (tpub/upub/vpub) rather than xpub/ypub/zpub. */
  public boolean usesTestKeys() {
    return testKeys;
  }

  /** The matching bitcoinj network (for the few operations delegated to bitcoinj). */
  public BitcoinNetwork bitcoinj() {
    return bitcoinj;
  }

  /**
   * Parses a configuration value: {@code mainnet|main|bitcoin}, {@code testnet|test|testnet3|testnet4},
   * {@code signet}, {@code regtest}, case-insensitive.
   */
  public static Network fromString(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "mainnet", "main", "bitcoin":
        return MAINNET;
      case "testnet", "test", "testnet3", "testnet4":
        return TESTNET;
      case "signet":
        return SIGNET;
      case "regtest":
        return REGTEST;
      default:
        throw new IllegalArgumentException(
            "unknown network '" + name + "': expected mainnet, testnet, signet or regtest");
    }
  }

  /** The networks that share this network's key prefixes, for error messages ("testnet/signet/regtest"). */
  String keyFamily() {
    return testKeys ? "testnet/signet/regtest" : "mainnet";
  }
}
