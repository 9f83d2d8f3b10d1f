package me.flashapp.gateway.invoice;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads an invoice's recorded payments, for the API. */
public final class InvoicePayments {
  static final String SELECT = "SELECT payment_method_id, id, value_sats, valid, confirmations, received_at,"
      + " details->>'destination' AS destination FROM invoice_payments WHERE invoice_id = $1 ORDER BY received_at, id";

  /** One recorded payment. */
  public record Payment(String paymentMethodId, String id, long valueSats, boolean valid, int confirmations,
                        Instant receivedAt, String destination) {
    /** Greenfield payment status under the invoice's speed policy. */
    public String status(SpeedPolicy policy) {
      if (!valid) {
        return "Invalid";
      }
      return confirmations >= policy.requiredConfirmations() ? "Settled" : "Processing";
    }
  }

  private InvoicePayments() {}

  public static Future<List<Payment>> of(SqlClient db, String invoiceId) {
    return db.preparedQuery(SELECT).execute(Tuple.of(invoiceId)).map(rows -> {
      List<Payment> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Payment(r.getString(0), r.getString(1), r.getLong(2), r.getBoolean(3), r.getInteger(4),
            r.getOffsetDateTime(5).toInstant(), r.getString(6)));
      }
      return out;
    });
  }
}
