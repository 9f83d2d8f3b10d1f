package me.flashapp.gateway.bitcoin;

import java.util.Arrays;
import org.bitcoinj.base.Base58;
import org.bitcoinj.base.exceptions.AddressFormatException;
import org.bitcoinj.crypto.DeterministicKey;

/**
 * A BIP32 extended public key as exported by wallets, including the SLIP-132 variants whose
 * version bytes also say the script type (ypub/upub nested segwit, zpub/vpub native segwit).
 * Serialization: {@code version:4 depth:1 parentFingerprint:4 childNumber:4 chainCode:32 key:33},
 * base58check.
 */
final class ExtendedPublicKey {
  private static final int XPUB = 0x0488B21E;
  private static final int TPUB = 0x043587CF;

  /** A known version: its name, whether it is for test networks, and its implied type. */
  private record Version(int bytes, String name, boolean test, OutputType impliedType, boolean isPrivate) {}

  private static final Version[] VERSIONS = {
      new Version(XPUB, "xpub", false, null, false),
      new Version(0x049D7CB2, "ypub", false, OutputType.P2SH_P2WPKH, false),
      new Version(0x04B24746, "zpub", false, OutputType.P2WPKH, false),
      new Version(TPUB, "tpub", true, null, false),
      new Version(0x044A5262, "upub", true, OutputType.P2SH_P2WPKH, false),
      new Version(0x045F1CF6, "vpub", true, OutputType.P2WPKH, false),
      new Version(0x0488ADE4, "xprv", false, null, true),
      new Version(0x049D7878, "yprv", false, null, true),
      new Version(0x04B2430C, "zprv", false, null, true),
      new Version(0x04358394, "tprv", true, null, true),
      new Version(0x044A4E28, "uprv", true, null, true),
      new Version(0x045F18BC, "vprv", true, null, true),
  };

  private final DeterministicKey key;
  private final byte[] standard;
  private final Version version;

  private ExtendedPublicKey(DeterministicKey key, byte[] standard, Version version) {
    this.key = key;
    this.standard = standard;
    this.version = version;
  }

  /** Decodes and checks the key for {@code network}; the message of any failure is user-facing. */
  static ExtendedPublicKey parse(String text, Network network) {
    byte[] data;
    try {
      data = Base58.decodeChecked(text);
    } catch (AddressFormatException e) {
      throw new InvalidDerivationSchemeException("'" + abbreviate(text) + "' is not a valid extended public key"
          + " (bad base58 or checksum)", e);
    }
    if (data.length != 78) {
      throw new InvalidDerivationSchemeException("'" + abbreviate(text) + "' is not an extended public key"
          + " (decodes to " + data.length + " bytes, expected 78)");
    }
    int v = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
    Version version = Arrays.stream(VERSIONS).filter(x -> x.bytes() == v).findFirst().orElseThrow(
        () -> new InvalidDerivationSchemeException("unsupported extended key version 0x" + Integer.toHexString(v)
            + " (expected xpub, ypub, zpub, tpub, upub or vpub)"));
    if (version.isPrivate()) {
      throw new InvalidDerivationSchemeException("this is a private key (" + version.name()
          + "); give the account's extended public key instead: the gateway never holds private keys");
    }
    if (version.test() != network.usesTestKeys()) {
      throw new InvalidDerivationSchemeException("the extended key (" + version.name() + ") is for "
          + (version.test() ? "testnet/signet/regtest" : "mainnet") + ", but this gateway runs on " + network.id());
    }
    if (data[45] != 0x02 && data[45] != 0x03) {
      throw new InvalidDerivationSchemeException("the extended key does not hold a compressed public key");
    }
    byte[] standard = data.clone();
    int std = version.test() ? TPUB : XPUB;
    standard[0] = (byte) (std >>> 24);
    standard[1] = (byte) (std >>> 16);
    standard[2] = (byte) (std >>> 8);
    standard[3] = (byte) std;
    DeterministicKey key;
    try {
      key = DeterministicKey.deserialize(network.bitcoinj(), standard);
    } catch (RuntimeException e) {
      throw new InvalidDerivationSchemeException("the extended key is invalid: " + e.getMessage(), e);
    }
    return new ExtendedPublicKey(key, standard, version);
  }

  DeterministicKey key() {
    return key;
  }

  /** The version name it was given with (xpub, ypub, ...). */
  String versionName() {
    return version.name();
  }

  /** The script type its SLIP-132 version implies, or null for plain xpub/tpub. */
  OutputType impliedType() {
    return version.impliedType();
  }

  /** The same key with the plain xpub/tpub version, as descriptors write it. */
  String toStandardString() {
    byte[] withChecksum = Arrays.copyOf(standard, 82);
    byte[] checksum = Sha256d.of(standard);
    System.arraycopy(checksum, 0, withChecksum, 78, 4);
    return Base58.encode(withChecksum);
  }

  static String abbreviate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 12) + "..." + s.substring(s.length() - 4);
  }
}
