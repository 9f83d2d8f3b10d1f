package me.flashapp.gateway.invoice;

import java.time.Instant;
import java.util.List;

/** Filters of the invoice list (Greenfield): all optional except the store and the page. */
public record InvoiceQuery(String storeId, List<InvoiceStatus> statuses, List<String> orderIds, Instant startDate,
                           Instant endDate, boolean includeArchived, int skip, int take) {}
