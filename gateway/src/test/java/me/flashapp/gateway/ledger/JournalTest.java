package me.flashapp.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {
  @Test
  void aTransferIsValidAndSortsItsLinesForLocking() {
    Journal j = Journal.transfer("k", "card-payment", null, "store:S", "card:C", 5).validate();
    assertThat(j.lines()).extracting(Journal.Line::sats).containsExactly(-5L, 5L);
    assertThat(j.linesInLockOrder()).extracting(Journal.Line::account).containsExactly("card:C", "store:S");
  }

  @Test
  void rejectsWhatBreaksDoubleEntry() {
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("card:a", -5),
        new Journal.Line("store:b", 4))).validate()).hasMessageContaining("sum to -1");
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("card:a", 0),
        new Journal.Line("store:b", 0))).validate()).hasMessageContaining("zero amount");
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("card:a", -5),
        new Journal.Line("card:a", 5))).validate()).hasMessageContaining("twice");
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("card:a", 5))).validate())
        .hasMessageContaining("two lines");
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("bank", -5),
        new Journal.Line("card:a", 5))).validate()).hasMessageContaining("malformed account");
    assertThatThrownBy(() -> new Journal("", "x", null, List.of(new Journal.Line("fees", -5),
        new Journal.Line("card:a", 5))).validate()).hasMessageContaining("idempotency key");
    assertThatThrownBy(() -> new Journal("k", "x", null, List.of(new Journal.Line("fees", Long.MAX_VALUE),
        new Journal.Line("card:a", Long.MAX_VALUE), new Journal.Line("external", 2))).validate())
        .hasMessageContaining("overflow");
  }

  @Test
  void manyLinesUseASetForDistinctness() {
    List<Journal.Line> lines = List.of(new Journal.Line("card:a", -4), new Journal.Line("card:b", 1),
        new Journal.Line("card:c", 1), new Journal.Line("card:d", 1), new Journal.Line("card:a", 1));
    assertThatThrownBy(() -> new Journal("k", "x", null, lines).validate()).hasMessageContaining("twice");
  }

  @Test
  void onlyCustomerAndMerchantAccountsMustStayNonNegative() {
    assertThat(Accounts.mayGoNegative(Accounts.card("c"))).isFalse();
    assertThat(Accounts.mayGoNegative(Accounts.store("s"))).isFalse();
    assertThat(Accounts.mayGoNegative(Accounts.TOPUP_CLEARING)).isTrue();
    assertThat(Accounts.mayGoNegative(Accounts.EXTERNAL)).isTrue();
  }
}
