package me.flashapp.gateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The terminals' frame scan reads what a JSON parser would, and refuses what is not JSON. */
class PosFrameTest {
  @Test
  void readsTheEventsOwnFieldsWhateverTheOrderAndNesting() {
    assertThat(PosFrame.scan("{\"type\":\"event\",\"seq\":42,\"event\":{\"type\":\"InvoiceSettled\","
        + "\"timestamp\":1795327187,\"storeId\":\"s1\",\"invoiceId\":\"inv1\",\"manuallyMarked\":false,"
        + "\"overPaid\":false,\"metadata\":{\"orderId\":\"A-1\"}}}"))
        .isEqualTo(new PosFrame("event", 42, "InvoiceSettled", "inv1"));
    // keys of the same name inside metadata are not the event's own; strings may hold brackets and quotes
    assertThat(PosFrame.scan("{ \"seq\" : 7 , \"event\" : {\"metadata\":{\"invoiceId\":\"theirs\",\"type\":\"x\","
        + "\"list\":[{\"seq\":1},\"}]\\\"\"]},\"invoiceId\":\"ours\",\"type\":\"InvoiceProcessing\"},"
        + "\"type\":\"event\"}"))
        .isEqualTo(new PosFrame("event", 7, "InvoiceProcessing", "ours"));
  }

  @Test
  void readsOtherFramesAndEscapes() {
    assertThat(PosFrame.scan("{\"type\":\"subscribed\",\"seq\":null}"))
        .isEqualTo(new PosFrame("subscribed", PosFrame.NO_SEQ, null, null));
    assertThat(PosFrame.scan("{\"type\":\"pong\"}")).isEqualTo(new PosFrame("pong", PosFrame.NO_SEQ, null, null));
    assertThat(PosFrame.scan("{\"type\":\"err\\u006fr\",\"code\":\"x\"}").type()).isEqualTo("error");
  }

  @Test
  void refusesWhatIsNotOneObject() {
    for (String bad : new String[] {"", "[]", "{\"type\":\"event\"", "{\"seq\":1.5}", "{\"type\":\"event\"} x",
        "{\"type\" \"event\"}", "{\"type\":\"ev"}) {
      assertThatThrownBy(() -> PosFrame.scan(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
