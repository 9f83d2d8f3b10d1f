package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bitcoinj.base.Base58;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.bitcoinj.crypto.MnemonicCode;
import org.junit.jupiter.api.Test;

/** Published vectors: BIP32 (public derivation), BIP44, BIP49, BIP84, BIP86, SLIP-132, BIP380. */
class DerivationSchemeTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String MNEMONIC =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

  // BIP32 test vector 1 and 2 extended public keys.
  private static final String V1_M0H = "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw";
  private static final String V1_M0H_1 = "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ";
  private static final String V1_M0H_1_2H = "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5";
  private static final String V1_M0H_1_2H_2 = "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV";
  private static final String V1_M0H_1_2H_2_1E9 = "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy";
  private static final String V2_M = "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB";
  private static final String V2_M0 = "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH";

  // Account keys of the "abandon ... about" mnemonic (BIP44/49/84/86 and SLIP-132 vectors).
  private static final String BIP44_XPUB = "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj";
  private static final String BIP49_YPUB = "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP";
  private static final String BIP49_UPUB = "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY";
  private static final String BIP84_ZPUB = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
  private static final String BIP86_XPUB = "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";

  /** hash160 of the public key inside an xpub string: what P2PKH of that key pays. */
  private static byte[] p2pkhOf(String xpub) {
    byte[] data = Base58.decodeChecked(xpub);
    return Scripts.p2pkh(Hashes.hash160(Arrays.copyOfRange(data, 45, 78)));
  }

  @Test
  void bip32PublicDerivationVectors() {
    // Vector 1: m/0H -> m/0H/1 (index 1 of the key itself: path "/*").
    assertThat(DerivationScheme.parse("pkh(" + V1_M0H + "/*)", Network.MAINNET).deriveScript(1))
        .isEqualTo(p2pkhOf(V1_M0H_1));
    // m/0H/1/2H -> /2 -> /1000000000 through a chain step and the index.
    DerivationScheme deep = DerivationScheme.parse("pkh(" + V1_M0H_1_2H + "/2/*)", Network.MAINNET);
    assertThat(deep.deriveScript(1_000_000_000)).isEqualTo(p2pkhOf(V1_M0H_1_2H_2_1E9));
    assertThat(DerivationScheme.parse("pkh(" + V1_M0H_1_2H + "/*)", Network.MAINNET).deriveScript(2))
        .isEqualTo(p2pkhOf(V1_M0H_1_2H_2));
    // Vector 2: m -> m/0.
    assertThat(DerivationScheme.parse("pkh(" + V2_M + "/*)", Network.MAINNET).deriveScript(0))
        .isEqualTo(p2pkhOf(V2_M0));
  }

  @Test
  void bip44Legacy() {
    DerivationScheme s = DerivationScheme.parse(BIP44_XPUB + "-[legacy]", Network.MAINNET);
    assertThat(s.outputType()).isEqualTo(OutputType.P2PKH);
    assertThat(s.deriveAddress(0)).isEqualTo("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA");
    assertThat(DerivationScheme.parse("pkh([73c5da0a/44h/0h/0h]" + BIP44_XPUB + "/0/*)", Network.MAINNET)
        .deriveAddress(0)).isEqualTo("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA");
  }

  @Test
  void bip49NestedSegwit() {
    DerivationScheme y = DerivationScheme.parse(BIP49_YPUB, Network.MAINNET);
    assertThat(y.outputType()).isEqualTo(OutputType.P2SH_P2WPKH);
    assertThat(y.deriveAddress(0)).isEqualTo("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf");
    DerivationScheme u = DerivationScheme.parse(BIP49_UPUB, Network.TESTNET);
    assertThat(u.deriveAddress(0)).isEqualTo("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2");
    // BTCPay form with the plain key gives the same addresses.
    assertThat(DerivationScheme.parse(y.accountKey() + "-[p2sh]", Network.MAINNET).deriveAddress(0))
        .isEqualTo("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf");
  }

  @Test
  void bip84NativeSegwit() {
    DerivationScheme z = DerivationScheme.parse(BIP84_ZPUB, Network.MAINNET);
    assertThat(z.outputType()).isEqualTo(OutputType.P2WPKH);
    assertThat(z.deriveAddress(0)).isEqualTo("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
    assertThat(z.deriveAddress(1)).isEqualTo("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
    // The plain xpub alone is P2WPKH in BTCPay's scheme format.
    DerivationScheme x = DerivationScheme.parse(z.accountKey(), Network.MAINNET);
    assertThat(x.deriveAddress(1)).isEqualTo("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
    // Descriptor with origin, multipath and checksum.
    String desc = DescriptorChecksum.append("wpkh([73c5da0a/84'/0'/0']" + z.accountKey() + "/<0;1>/*)");
    DerivationScheme d = DerivationScheme.parse(desc, Network.MAINNET);
    assertThat(d.deriveAddress(0)).isEqualTo("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
    assertThat(d.canonical()).startsWith("wpkh([73c5da0a/84h/0h/0h]xpub").contains("/0/*)#");
  }

  @Test
  void bip86Taproot() {
    DerivationScheme t = DerivationScheme.parse(BIP86_XPUB + "-[taproot]", Network.MAINNET);
    assertThat(t.deriveAddress(0)).isEqualTo("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr");
    assertThat(t.deriveAddress(1)).isEqualTo("bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh");
    assertThat(HEX.formatHex(t.deriveScript(0)))
        .isEqualTo("5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c");
    assertThat(DerivationScheme.parse("tr(" + BIP86_XPUB + "/0/*)", Network.MAINNET).deriveAddress(1))
        .isEqualTo("bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh");
    assertThat(HEX.formatHex(Taproot.bip86OutputKey(
        HEX.parseHex("cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115"))))
        .isEqualTo("a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c");
  }

  @Test
  void accountKeysMatchTheMnemonic() {
    // Cross-check the literal vectors: derive the accounts privately from the BIP39 seed.
    byte[] seed = MnemonicCode.toSeed(List.of(MNEMONIC.split(" ")), "");
    DeterministicKey master = HDKeyDerivation.createMasterPrivateKey(seed);
    assertThat(account(master, 44).serializePubB58(Network.MAINNET.bitcoinj())).isEqualTo(BIP44_XPUB);
    assertThat(account(master, 86).serializePubB58(Network.MAINNET.bitcoinj())).isEqualTo(BIP86_XPUB);
    assertThat(DerivationScheme.parse(BIP84_ZPUB, Network.MAINNET).accountKey())
        .isEqualTo(account(master, 84).serializePubB58(Network.MAINNET.bitcoinj()));
  }

  private static DeterministicKey account(DeterministicKey master, int purpose) {
    DeterministicKey k = HDKeyDerivation.deriveChildKey(master, new ChildNumber(purpose, true));
    k = HDKeyDerivation.deriveChildKey(k, new ChildNumber(0, true));
    return HDKeyDerivation.deriveChildKey(k, new ChildNumber(0, true));
  }

  @Test
  void canonicalFormRoundTrips() {
    for (String text : List.of(BIP84_ZPUB, BIP49_YPUB, BIP44_XPUB + "-[legacy]", BIP86_XPUB + "-[taproot]",
        "pkh([d34db33f/44'/0'/0']xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/1/*)#ml40v0wf")) {
      DerivationScheme s = DerivationScheme.parse(text, Network.MAINNET);
      DerivationScheme again = DerivationScheme.parse(s.canonical(), Network.MAINNET);
      assertThat(again).isEqualTo(s);
      assertThat(again.deriveScript(7)).isEqualTo(s.deriveScript(7));
      assertThat(DescriptorChecksum.isValid(s.canonical())).isTrue();
    }
    assertThat(DerivationScheme.parse(BIP49_YPUB, Network.MAINNET).canonical()).startsWith("sh(wpkh(xpub");
  }

  @Test
  void testnetKeysWorkOnSignetAndRegtest() {
    for (Network n : List.of(Network.TESTNET, Network.SIGNET, Network.REGTEST)) {
      DerivationScheme s = DerivationScheme.parse(BIP49_UPUB, n);
      assertThat(s.network()).isEqualTo(n);
      assertThat(s.deriveScript(0)).isEqualTo(AddressCodec.toScriptPubKey("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", n));
    }
    assertThat(DerivationScheme.parse(BIP49_UPUB, Network.REGTEST).accountKey()).startsWith("tpub");
  }

  @Test
  void wrongNetworkGivesAClearMessage() {
    assertThatThrownBy(() -> DerivationScheme.parse(BIP84_ZPUB, Network.REGTEST))
        .isInstanceOf(InvalidDerivationSchemeException.class)
        .hasMessage("the extended key (zpub) is for mainnet, but this gateway runs on regtest");
    assertThatThrownBy(() -> DerivationScheme.parse(BIP49_UPUB, Network.MAINNET))
        .isInstanceOf(InvalidDerivationSchemeException.class)
        .hasMessageContaining("is for testnet/signet/regtest, but this gateway runs on mainnet");
    assertThatThrownBy(() -> DerivationScheme.parse("wpkh(" + BIP44_XPUB + "/0/*)", Network.TESTNET))
        .isInstanceOf(InvalidDerivationSchemeException.class).hasMessageContaining("mainnet");
  }

  @Test
  void unusableSchemesAreRejected() {
    String xprv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
    String withSum = DescriptorChecksum.append("wpkh(" + BIP44_XPUB + "/0/*)");
    String badSum = withSum.substring(0, withSum.length() - 1) + (withSum.endsWith("q") ? "p" : "q");
    List<String[]> cases = List.of(
        new String[] {xprv, "private key"},
        new String[] {badSum, "checksum"},
        new String[] {"wpkh(" + BIP44_XPUB + "/0/*)#abc", "checksum"},
        new String[] {"wpkh(" + BIP44_XPUB + "/0h/*)", "hardened"},
        new String[] {"wpkh(" + BIP44_XPUB + "/0/*h)", "hardened"},
        new String[] {"wpkh(" + BIP44_XPUB + "/0)", "/*"},
        new String[] {"wpkh(" + BIP44_XPUB + ")", "/*"},
        new String[] {"wsh(multi(1," + BIP44_XPUB + "/0/*))", "unsupported descriptor"},
        new String[] {"tr(" + BIP86_XPUB + "/0/*,pk(" + BIP44_XPUB + "))", "single-key"},
        new String[] {"wpkh(" + BIP84_ZPUB + "/0/*)", "xpub/tpub"},
        new String[] {"wpkh([nothex!/84h]" + BIP44_XPUB + "/0/*)", "fingerprint"},
        new String[] {BIP49_YPUB + "-[taproot]", "cannot be used"},
        new String[] {BIP44_XPUB + "-[keeporder]", "unsupported"},
        new String[] {"2-of-" + BIP44_XPUB + "-" + BIP86_XPUB, "multisig"},
        new String[] {"xpub123", "not a valid extended public key"},
        new String[] {"", "empty"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> DerivationScheme.parse(c[0], Network.MAINNET))
          .as(c[0]).isInstanceOf(InvalidDerivationSchemeException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void descriptorChecksumVectors() {
    // BIP380 test vectors.
    assertThat(DescriptorChecksum.compute("raw(deadbeef)")).isEqualTo("89f8spxm");
    assertThat(DescriptorChecksum.isValid("raw(deadbeef)#89f8spxm")).isTrue();
    assertThat(DescriptorChecksum.isValid("raw(deadbeef)#")).isFalse();
    assertThat(DescriptorChecksum.isValid("raw(deadbeef)#89f8spxmx")).isFalse();
    assertThat(DescriptorChecksum.isValid("raw(deadbeef)#89f8spx")).isFalse();
    assertThat(DescriptorChecksum.isValid("raw(deedbeef)#89f8spxm")).isFalse();
    assertThat(DescriptorChecksum.isValid("raw(deadbeef)##9f8spxm")).isFalse();
    assertThat(DescriptorChecksum.isValid("raw(Ü)#00000000")).isFalse();
    // Bitcoin Core's descriptors.md example.
    assertThat(DescriptorChecksum.isValid("pkh([d34db33f/44'/0'/0']xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQ"
        + "KqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/1/*)#ml40v0wf")).isTrue();
  }
}
