package me.flashapp.gateway.lightning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import me.flashapp.gateway.bitcoin.Bech32;
import org.junit.jupiter.api.Test;

/** The LUD-01 example. */
class LnurlTest {
  private static final String URL = "https://service.com/api?q=3fc3645b439ce8e7f2553a69e5267081d96dcd340693afabe04be7b0ccd178df";
  private static final String LNURL = "LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35XVUKXEFCV5MKVV34X5EKZD3EV56NYD3HXQURZEPEXEJXXEPNXSCRVWFNV9NXZCN9XQ6XYEFHVGCXXCMYXYMNSERXFQ5FNS";

  @Test
  void lud01Vector() {
    assertThat(Lnurl.encode(URL)).isEqualTo(LNURL);
    assertThat(Lnurl.decode(LNURL)).isEqualTo(URL);
    assertThat(Lnurl.decode(LNURL.toLowerCase(Locale.ROOT))).isEqualTo(URL);
    assertThat(Lnurl.decode("lightning:" + LNURL)).isEqualTo(URL);
    assertThat(Lnurl.decode("LIGHTNING:" + LNURL)).isEqualTo(URL);
  }

  @Test
  void longUrlsRoundTrip() {
    String url = "https://pay.example.com/api/v1/cards/withdraw?p=4E2E289D945A66BB13377A728884E867&c=E19CCB1FED8892CE&x=" + "a".repeat(500);
    assertThat(Lnurl.decode(Lnurl.encode(url))).isEqualTo(url);
  }

  @Test
  void rejectsOtherPrefixesAndBadChecksums() {
    String other = Bech32.encode(Bech32.Encoding.BECH32, "lnbc", Bech32.toWords(URL.getBytes()));
    assertThatThrownBy(() -> Lnurl.decode(other)).hasMessageContaining("not an LNURL");
    String badChecksum = LNURL.substring(0, LNURL.length() - 1) + "T";
    assertThatThrownBy(() -> Lnurl.decode(badChecksum)).isInstanceOf(IllegalArgumentException.class);
    String m = Bech32.encode(Bech32.Encoding.BECH32M, "lnurl", Bech32.toWords(URL.getBytes()));
    assertThatThrownBy(() -> Lnurl.decode(m)).hasMessageContaining("not an LNURL");
  }
}
