package me.flashapp.gateway.lightning;

/**
 * The chain a BOLT11 invoice pays on, by its BIP173 currency prefix after {@code ln}
 * (BOLT #11 "Human-Readable Part"; signet's {@code tbs} per SLIP-0173).
 */
public enum Bolt11Network {
  MAINNET("bc"),
  TESTNET("tb"),
  SIGNET("tbs"),
  REGTEST("bcrt");

  // Longest first, so "lnbcrt..." is regtest and not mainnet with amount "rt...".
  private static final Bolt11Network[] BY_PREFIX_LENGTH = {REGTEST, SIGNET, MAINNET, TESTNET};

  private final String prefix;

  Bolt11Network(String prefix) {
    this.prefix = prefix;
  }

  /** The currency prefix, e.g. {@code bc}. */
  public String prefix() {
    return prefix;
  }

  /** The network whose prefix starts {@code rest} (the HRP after "ln"), or null. */
  static Bolt11Network matchPrefix(String rest) {
    for (Bolt11Network n : BY_PREFIX_LENGTH) {
      if (rest.startsWith(n.prefix)) {
        return n;
      }
    }
    return null;
  }
}
