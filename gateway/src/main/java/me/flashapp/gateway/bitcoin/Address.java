package me.flashapp.gateway.bitcoin;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A validated address: its canonical string (lower-case for bech32), network, type and the
 * scriptPubKey it pays. Immutable; created by {@link AddressCodec}.
 */
public final class Address {
  private final String value;
  private final Network network;
  private final ScriptType type;
  private final byte[] scriptPubKey;

  Address(String value, Network network, ScriptType type, byte[] scriptPubKey) {
    this.value = value;
    this.network = network;
    this.type = type;
    this.scriptPubKey = scriptPubKey.clone();
  }

  /** The address string in canonical form. */
  public String value() {
    return value;
  }

  /** The network it was validated for. */
  public Network network() {
    return network;
  }

  /** P2PKH, P2SH, P2WPKH, P2WSH, P2TR, or OTHER for a future witness version. */
  public ScriptType type() {
    return type;
  }

  /** The scriptPubKey this address pays (a copy). */
  public byte[] scriptPubKey() {
    return scriptPubKey.clone();
  }

  /** The scriptPubKey as hex. */
  public String scriptPubKeyHex() {
    return HexFormat.of().formatHex(scriptPubKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a && a.network == network && Arrays.equals(a.scriptPubKey, scriptPubKey);
  }

  @Override
  public int hashCode() {
    return 31 * network.hashCode() + Arrays.hashCode(scriptPubKey);
  }

  @Override
  public String toString() {
    return value;
  }
}
