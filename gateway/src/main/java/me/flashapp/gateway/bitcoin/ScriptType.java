package me.flashapp.gateway.bitcoin;

/**
 * Standard scriptPubKey templates, recognised by exact byte pattern:
 * P2PKH {@code 76a914{20}88ac}, P2SH {@code a914{20}87}, P2WPKH {@code 0014{20}},
 * P2WSH {@code 0020{32}}, P2TR {@code 5120{32}}, OP_RETURN {@code 6a...}, anything else OTHER.
 */
public enum ScriptType {
  /** Pay to public key hash (legacy "1..." addresses). */
  P2PKH,
  /** Pay to script hash ("3..." addresses), including P2SH-wrapped segwit. */
  P2SH,
  /** Segwit v0 key hash ("bc1q..." 42 chars). */
  P2WPKH,
  /** Segwit v0 script hash ("bc1q..." 62 chars). */
  P2WSH,
  /** Segwit v1 taproot ("bc1p..."). */
  P2TR,
  /** Provably unspendable data carrier. */
  OP_RETURN,
  /** Bare multisig, bare pubkey, future witness versions, non-standard. */
  OTHER;

  /** Classifies the script in {@code [off, off + len)} without allocating. */
  public static ScriptType classify(byte[] s, int off, int len) {
    if (len == 0) {
      return OTHER;
    }
    int first = s[off] & 0xff;
    switch (len) {
      case 25:
        if (first == 0x76 && s[off + 1] == (byte) 0xa9 && s[off + 2] == 0x14
            && s[off + 23] == (byte) 0x88 && s[off + 24] == (byte) 0xac) {
          return P2PKH;
        }
        break;
      case 23:
        if (first == 0xa9 && s[off + 1] == 0x14 && s[off + 22] == (byte) 0x87) {
          return P2SH;
        }
        break;
      case 22:
        if (first == 0x00 && s[off + 1] == 0x14) {
          return P2WPKH;
        }
        break;
      case 34:
        if (first == 0x00 && s[off + 1] == 0x20) {
          return P2WSH;
        }
        if (first == 0x51 && s[off + 1] == 0x20) {
          return P2TR;
        }
        break;
      default:
        break;
    }
    return first == 0x6a ? OP_RETURN : OTHER;
  }

  /** Classifies a whole array. */
  public static ScriptType classify(byte[] script) {
    return classify(script, 0, script.length);
  }
}
