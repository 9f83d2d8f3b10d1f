package me.flashapp.gateway.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnifiedLinkTest {
  @Test
  void onChainLinkCarriesTheBolt11WhenBothMethodsAreOffered() {
    var chain = new InvoicePaymentMethod("BTC-CHAIN", "bcrt1qaddr", "bitcoin:bcrt1qaddr?amount=0.001", "{}");
    var ln = new InvoicePaymentMethod("BTC-LN", "lnbcrt1m1abc", "lightning:lnbcrt1m1abc", "{}");
    List<InvoicePaymentMethod> out = PaymentMethods.withUnifiedLink(List.of(chain, ln));
    assertThat(out.get(0).paymentLink()).isEqualTo("bitcoin:bcrt1qaddr?amount=0.001&lightning=LNBCRT1M1ABC");
    assertThat(out.get(1)).isEqualTo(ln);
  }

  @Test
  void onChainAloneIsUnchanged() {
    var chain = new InvoicePaymentMethod("BTC-CHAIN", "bcrt1qaddr", "bitcoin:bcrt1qaddr?amount=0.001", "{}");
    assertThat(PaymentMethods.withUnifiedLink(List.of(chain))).containsExactly(chain);
  }
}
