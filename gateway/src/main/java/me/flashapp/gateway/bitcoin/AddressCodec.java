package me.flashapp.gateway.bitcoin;

import java.util.Locale;
import java.util.Optional;
import org.bitcoinj.base.Base58;
import org.bitcoinj.base.SegwitAddress;
import org.bitcoinj.base.exceptions.AddressFormatException;

/**
 * Converts between address strings and scriptPubKeys for a {@link Network}: base58check for
 * P2PKH/P2SH, bech32 (v0) and bech32m (v1+, BIP350) for segwit. The checksum codecs are
 * bitcoinj's; the network and template rules, and the error messages, are ours.
 *
 * <p>Errors are {@link InvalidAddressException}s whose messages can be shown to a merchant as-is.
 */
public final class AddressCodec {
  private AddressCodec() {}

  /** Validates {@code text} for {@code network}. */
  public static Address parse(String text, Network network) {
    if (text == null || text.isBlank()) {
      throw new InvalidAddressException("address is empty");
    }
    String s = text.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    int sep = lower.lastIndexOf('1');
    if (sep > 0) {
      String hrp = lower.substring(0, sep);
      Optional<Network> owner = networkOfHrp(hrp);
      if (owner.isPresent()) {
        if (!hrp.equals(network.bech32Hrp())) {
          throw wrongNetwork(s, owner.get().id() + (owner.get() == Network.TESTNET ? "/signet" : ""), network);
        }
        return parseSegwit(s, network);
      }
    }
    return parseBase58(s, network);
  }

  /** The scriptPubKey paid by {@code text} on {@code network}. */
  public static byte[] toScriptPubKey(String text, Network network) {
    return parse(text, network).scriptPubKey();
  }

  /**
   * The address of a scriptPubKey, if it has one (OP_RETURN, bare multisig and non-standard
   * scripts do not).
   */
  public static Optional<String> fromScriptPubKey(byte[] script, int off, int len, Network network) {
    switch (ScriptType.classify(script, off, len)) {
      case P2PKH:
        return Optional.of(base58(network.p2pkhPrefix(), script, off + 3));
      case P2SH:
        return Optional.of(base58(network.p2shPrefix(), script, off + 2));
      case P2WPKH, P2WSH, P2TR:
        return Optional.of(segwit(network, script[off] == 0 ? 0 : 1, script, off + 2, len - 2));
      default:
        if (len == 0) {
          return Optional.empty();
        }
        int first = script[off] & 0xff;
        // Future witness versions: OP_1..OP_16 followed by one 2..40 byte push (BIP141).
        if (len >= 4 && len <= 42 && first >= 0x51 && first <= 0x60 && (script[off + 1] & 0xff) == len - 2) {
          return Optional.of(segwit(network, first - 0x50, script, off + 2, len - 2));
        }
        return Optional.empty();
    }
  }

  /** The address of a whole-array scriptPubKey; throws if the script has no address form. */
  public static String fromScriptPubKey(byte[] script, Network network) {
    return fromScriptPubKey(script, 0, script.length, network)
        .orElseThrow(() -> new IllegalArgumentException("script of type "
            + ScriptType.classify(script) + " has no address form"));
  }

  private static Address parseSegwit(String s, Network network) {
    SegwitAddress a;
    try {
      a = SegwitAddress.fromBech32(s, network.bitcoinj());
    } catch (AddressFormatException.UnexpectedWitnessVersion e) {
      throw new InvalidAddressException("invalid " + network.bech32Hrp() + "1 address '" + s
          + "': wrong checksum variant for its witness version (v0 uses bech32, v1+ bech32m)", e);
    } catch (AddressFormatException e) {
      throw new InvalidAddressException("invalid " + network.bech32Hrp() + "1 address '" + s + "': "
          + e.getMessage(), e);
    }
    int version = a.getWitnessVersion();
    byte[] program = a.getWitnessProgram();
    if (version == 0 && program.length != 20 && program.length != 32) {
      throw new InvalidAddressException("invalid segwit v0 address '" + s + "': program of "
          + program.length + " bytes");
    }
    if (version == 1 && program.length != 32) {
      throw new InvalidAddressException("invalid taproot address '" + s + "': program of "
          + program.length + " bytes");
    }
    byte[] script = Scripts.witnessProgram(version, program);
    return new Address(s.toLowerCase(Locale.ROOT), network, ScriptType.classify(script), script);
  }

  private static Address parseBase58(String s, Network network) {
    byte[] payload;
    try {
      payload = Base58.decodeChecked(s);
    } catch (AddressFormatException e) {
      throw new InvalidAddressException("'" + s + "' is not a valid Bitcoin address", e);
    }
    if (payload.length != 21) {
      throw new InvalidAddressException("'" + s + "' is not a valid Bitcoin address (wrong length)");
    }
    int version = payload[0] & 0xff;
    byte[] hash = java.util.Arrays.copyOfRange(payload, 1, 21);
    if (version == network.p2pkhPrefix()) {
      return new Address(s, network, ScriptType.P2PKH, Scripts.p2pkh(hash));
    }
    if (version == network.p2shPrefix()) {
      return new Address(s, network, ScriptType.P2SH, Scripts.p2sh(hash));
    }
    Network other = network == Network.MAINNET ? Network.TESTNET : Network.MAINNET;
    if (version == other.p2pkhPrefix() || version == other.p2shPrefix()) {
      throw wrongNetwork(s, other.keyFamily(), network);
    }
    throw new InvalidAddressException("'" + s + "' has an unknown address version " + version);
  }

  private static InvalidAddressException wrongNetwork(String s, String owner, Network network) {
    return new InvalidAddressException("address '" + s + "' is for " + owner + ", but this gateway runs on "
        + network.id());
  }

  private static Optional<Network> networkOfHrp(String hrp) {
    for (Network n : Network.values()) {
      if (n.bech32Hrp().equals(hrp)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  private static String base58(int version, byte[] script, int hashOff) {
    byte[] hash = java.util.Arrays.copyOfRange(script, hashOff, hashOff + 20);
    return Base58.encodeChecked(version, hash);
  }

  private static String segwit(Network network, int version, byte[] script, int off, int len) {
    byte[] program = java.util.Arrays.copyOfRange(script, off, off + len);
    return SegwitAddress.fromProgram(network.bitcoinj(), version, program).toBech32();
  }
}
