package me.flashapp.gateway.bitcoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @CsvSource({
      // BIP350 valid segwit addresses (v0 bech32, v1 bech32m)
      "MAINNET, bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, 0014751e76e8199196d454941c45d1b3a323f1433bd6, P2WPKH",
      "MAINNET, BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4, 0014751e76e8199196d454941c45d1b3a323f1433bd6, P2WPKH",
      "TESTNET, tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7, 00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262, P2WSH",
      "MAINNET, bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0, 512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798, P2TR",
      // base58
      "MAINNET, 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2, 76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac, P2PKH",
      "MAINNET, 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy, a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87, P2SH",
      "TESTNET, 2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2, a914336caa13e08b96080a32b5d818d59b4ab3b3674287, P2SH",
      "REGTEST, 2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2, a914336caa13e08b96080a32b5d818d59b4ab3b3674287, P2SH",
  })
  void validAddressesMapToTheirScripts(Network network, String address, String scriptHex, ScriptType type) {
    Address a = AddressCodec.parse(address, network);
    assertThat(a.scriptPubKeyHex()).isEqualTo(scriptHex);
    assertThat(a.type()).isEqualTo(type);
    assertThat(a.value()).isEqualToIgnoringCase(address);
    assertThat(AddressCodec.fromScriptPubKey(HEX.parseHex(scriptHex), network)).isEqualTo(address.toLowerCase().startsWith("bc1") || address.toLowerCase().startsWith("tb1") ? address.toLowerCase() : address);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", // v1 with bech32 checksum
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", // v0 with bech32m checksum
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", // bad checksum
      "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", // v2 program of 16... invalid padding/length mix
      "bc1gmk9yu", // empty data
      "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7Kv8f3t4", // mixed case
      "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", // base58 checksum
      "hello world",
      "",
  })
  void invalidAddressesAreRejectedClearly(String address) {
    assertThatThrownBy(() -> AddressCodec.parse(address, Network.MAINNET))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageNotContaining("null");
  }

  @Test
  void wrongNetworkIsNamed() {
    assertThatThrownBy(() -> AddressCodec.parse("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", Network.MAINNET))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("testnet").hasMessageContaining("mainnet");
    assertThatThrownBy(() -> AddressCodec.parse("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", Network.REGTEST))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("is for mainnet").hasMessageContaining("regtest");
    assertThatThrownBy(() -> AddressCodec.parse("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Network.TESTNET))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("is for mainnet");
    assertThatThrownBy(() -> AddressCodec.parse("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", Network.MAINNET))
        .isInstanceOf(InvalidAddressException.class)
        .hasMessageContaining("testnet/signet/regtest");
  }

  @Test
  void eachNetworkRoundTripsEveryType() {
    byte[] h20 = new byte[20];
    byte[] h32 = new byte[32];
    for (int i = 0; i < 32; i++) {
      h32[i] = (byte) i;
    }
    byte[][] scripts = {Scripts.p2pkh(h20), Scripts.p2sh(h20), Scripts.p2wpkh(h20), Scripts.p2wsh(h32), Scripts.p2tr(h32)};
    for (Network n : Network.values()) {
      for (byte[] s : scripts) {
        String address = AddressCodec.fromScriptPubKey(s, n);
        Address parsed = AddressCodec.parse(address, n);
        assertThat(parsed.scriptPubKey()).isEqualTo(s);
        assertThat(parsed.network()).isEqualTo(n);
        if (s.length > 25) {
          assertThat(address).startsWith(n.bech32Hrp() + "1");
        }
      }
    }
    assertThat(AddressCodec.fromScriptPubKey(Scripts.p2wpkh(h20), Network.REGTEST)).startsWith("bcrt1q");
    assertThat(AddressCodec.fromScriptPubKey(Scripts.p2tr(h32), Network.SIGNET)).startsWith("tb1p");
  }

  @Test
  void scriptsWithoutAddressForm() {
    assertThat(AddressCodec.fromScriptPubKey(Scripts.opReturn(new byte[4]), 0, 6, Network.MAINNET)).isEmpty();
    assertThat(AddressCodec.fromScriptPubKey(new byte[0], 0, 0, Network.MAINNET)).isEmpty();
    assertThatThrownBy(() -> AddressCodec.fromScriptPubKey(Scripts.opReturn(new byte[4]), Network.MAINNET))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void networkNames() {
    assertThat(Network.fromString("Regtest")).isEqualTo(Network.REGTEST);
    assertThat(Network.fromString("main")).isEqualTo(Network.MAINNET);
    assertThat(Network.fromString("testnet4")).isEqualTo(Network.TESTNET);
    assertThat(Network.SIGNET.bech32Hrp()).isEqualTo("tb");
    assertThatThrownBy(() -> Network.fromString("moon")).hasMessageContaining("expected mainnet");
  }
}
