package me.flashapp.gateway.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import me.flashapp.gateway.card.KeyVault.KeyVaultException;
import org.junit.jupiter.api.Test;

class KeyVaultTest {
  private static final byte[] ISSUER_KEY = HexFormat.of().parseHex("00000000000000000000000000000001");
  private static final byte[] ROW = "issuer:42".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealsAndOpens() {
    KeyVault vault = new KeyVault(KeyVault.generateMasterKey());
    byte[] sealed = vault.seal(ISSUER_KEY, ROW);
    assertThat(sealed).hasSize(1 + 12 + 16 + 16);
    assertThat(sealed[0]).isEqualTo(KeyVault.VERSION_1);
    assertThat(vault.open(sealed, ROW)).isEqualTo(ISSUER_KEY);
    assertThat(vault.open(vault.seal(ISSUER_KEY, null), null)).isEqualTo(ISSUER_KEY);
  }

  @Test
  void randomNonceMakesEverySealDifferent() {
    KeyVault vault = new KeyVault(KeyVault.generateMasterKey());
    assertThat(vault.seal(ISSUER_KEY, ROW)).isNotEqualTo(vault.seal(ISSUER_KEY, ROW));
  }

  @Test
  void wrongMasterKeyContextOrTamperingFails() {
    KeyVault vault = new KeyVault(KeyVault.generateMasterKey());
    byte[] sealed = vault.seal(ISSUER_KEY, ROW);
    assertThatThrownBy(() -> new KeyVault(KeyVault.generateMasterKey()).open(sealed, ROW))
        .isInstanceOf(KeyVaultException.class).hasMessageContaining("failed authentication");
    assertThatThrownBy(() -> vault.open(sealed, "issuer:43".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(KeyVaultException.class);
    for (int i = 1; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 1;
      assertThatThrownBy(() -> vault.open(tampered, ROW)).isInstanceOf(KeyVaultException.class);
    }
    byte[] otherVersion = sealed.clone();
    otherVersion[0] = 2;
    assertThatThrownBy(() -> vault.open(otherVersion, ROW)).hasMessage("unknown sealed secret version 2");
    assertThatThrownBy(() -> vault.open(new byte[10], ROW)).hasMessage("sealed secret too short");
  }

  @Test
  void masterKeyMustBe256Bits() {
    assertThatThrownBy(() -> new KeyVault(new byte[16])).hasMessage("master key must be 32 bytes, got 16");
    assertThat(new KeyVault(KeyVault.generateMasterKey()).toString()).doesNotContain("0x").startsWith("KeyVault[");
  }
}
