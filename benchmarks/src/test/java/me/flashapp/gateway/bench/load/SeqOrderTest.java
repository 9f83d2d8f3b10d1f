package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A terminal's seq check: in order is fine, a gap or a duplicate is named. */
class SeqOrderTest {
  @Test
  void inOrderThenAGapThenADuplicate() {
    SeqOrder order = new SeqOrder();
    assertThat(order.next(1)).isNull();
    assertThat(order.next(2)).isNull();
    assertThat(order.next(4)).isEqualTo("seq gap: 4 after 2");
    assertThat(order.next(5)).isNull(); // resumes after the gap
    assertThat(order.next(5)).isEqualTo("duplicate seq 5 after 5");
    assertThat(order.next(PosFrame.NO_SEQ)).isEqualTo("duplicate seq -1 after 5");
  }
}
