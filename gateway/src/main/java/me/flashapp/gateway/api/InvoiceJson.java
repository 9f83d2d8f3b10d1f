package me.flashapp.gateway.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import me.flashapp.gateway.events.JsonWriter;
import me.flashapp.gateway.invoice.Invoice;
import me.flashapp.gateway.invoice.InvoiceStateMachine;
import me.flashapp.gateway.invoice.InvoiceStatus;
import me.flashapp.gateway.money.Currencies;

/** Encodes invoices in the Greenfield shape. Amounts are decimal strings; times are unix seconds. */
public final class InvoiceJson {
  private InvoiceJson() {}

  public static String encode(Invoice inv, String checkoutLink) {
    JsonWriter w = new JsonWriter(512 + inv.metadataJson().length());
    write(w.begin(), inv, checkoutLink);
    return w.end().toString();
  }

  public static String encodeList(List<Invoice> invoices, String baseUrl) {
    StringBuilder sb = new StringBuilder(512 * Math.max(1, invoices.size())).append('[');
    for (int i = 0; i < invoices.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Invoice inv = invoices.get(i);
      sb.append(encode(inv, baseUrl + "/i/" + inv.id()));
    }
    return sb.append(']').toString();
  }

  static void write(JsonWriter w, Invoice inv, String checkoutLink) {
    w.field("id", inv.id())
        .field("storeId", inv.storeId())
        .field("amount", formatAmount(inv.amount(), inv.currency()))
        .field("currency", inv.currency())
        .field("type", inv.type().name())
        .field("checkoutLink", checkoutLink)
        .field("createdTime", inv.createdAt().getEpochSecond())
        .field("expirationTime", inv.expiresAt().getEpochSecond())
        .field("monitoringExpiration", inv.monitoringExpiresAt().getEpochSecond())
        .field("status", inv.status().name())
        .field("additionalStatus", inv.additionalStatus().name())
        .field("archived", inv.archived());
    w.beginArray("availableStatusesForManualMarking");
    for (InvoiceStatus s : InvoiceStateMachine.manualTargets(inv)) {
      w.stringElement(s.name());
    }
    w.endArray()
        .raw("metadata", inv.metadataJson())
        .raw("checkout", inv.checkoutJson());
  }

  /**
   * An amount as its currency writes it: fiat with its minor-unit scale ({@code "5.00"}), BTC with
   * no trailing zeros ({@code "0.001"}), SATS whole. A top-up invoice has no price; Greenfield
   * shows {@code "0"} for it, and so do we.
   */
  public static String formatAmount(BigDecimal amount, String currency) {
    if (amount == null) {
      return "0";
    }
    if (Currencies.BTC.equals(currency)) {
      BigDecimal s = amount.stripTrailingZeros();
      return (s.scale() < 0 ? s.setScale(0, RoundingMode.UNNECESSARY) : s).toPlainString();
    }
    return amount.setScale(Currencies.scale(currency), RoundingMode.UNNECESSARY).toPlainString();
  }
}
