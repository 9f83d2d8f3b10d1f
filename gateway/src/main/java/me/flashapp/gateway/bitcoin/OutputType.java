package me.flashapp.gateway.bitcoin;

/**
 * How a derived public key becomes a scriptPubKey: the single-key wallet types a merchant's
 * hardware wallet exports (BIP44 legacy, BIP49 nested segwit, BIP84 native segwit, BIP86 taproot).
 */
public enum OutputType {
  /** {@code pkh(KEY)}: P2PKH, BIP44. */
  P2PKH("pkh(", ")", ScriptType.P2PKH),
  /** {@code sh(wpkh(KEY))}: P2WPKH nested in P2SH, BIP49. */
  P2SH_P2WPKH("sh(wpkh(", "))", ScriptType.P2SH),
  /** {@code wpkh(KEY)}: native segwit v0, BIP84. */
  P2WPKH("wpkh(", ")", ScriptType.P2WPKH),
  /** {@code tr(KEY)}: taproot key path only, BIP86. */
  P2TR("tr(", ")", ScriptType.P2TR);

  private final String descriptorOpen;
  private final String descriptorClose;
  private final ScriptType scriptType;

  OutputType(String descriptorOpen, String descriptorClose, ScriptType scriptType) {
    this.descriptorOpen = descriptorOpen;
    this.descriptorClose = descriptorClose;
    this.scriptType = scriptType;
  }

  /** The template of the scripts this type produces. */
  public ScriptType scriptType() {
    return scriptType;
  }

  String descriptorOpen() {
    return descriptorOpen;
  }

  String descriptorClose() {
    return descriptorClose;
  }

  /** The scriptPubKey paying a 33-byte compressed public key with this type. */
  public byte[] scriptFor(byte[] compressedPublicKey) {
    return switch (this) {
      case P2PKH -> Scripts.p2pkh(Hashes.hash160(compressedPublicKey));
      case P2SH_P2WPKH -> Scripts.p2shP2wpkh(Hashes.hash160(compressedPublicKey));
      case P2WPKH -> Scripts.p2wpkh(Hashes.hash160(compressedPublicKey));
      case P2TR -> Scripts.p2tr(Taproot.bip86OutputKey(compressedPublicKey));
    };
  }
}
