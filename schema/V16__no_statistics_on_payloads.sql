-- No planner statistics for the JSON documents the gateway stores but never searches.
--
-- ANALYZE samples up to 30,000 rows of a table and builds statistics for every column; for a jsonb
-- column that means detoasting and sorting 30,000 documents. No query filters, joins or sorts on
-- these columns (they are only read back), so those statistics are never used, and computing them
-- was most of what autovacuum's ANALYZE cost on the busiest tables: on the embedded PostgreSQL 14,
-- after a card-tap run (87,000 events, 17,000 invoices), ANALYZE outbox_events took 505-551 ms
-- with payload statistics and 125-139 ms without; invoices 108 ms and 65-85 ms. On the 2-core
-- reference machine that burst of CPU, once a minute per table, stalled card taps for up to 0.7 s
-- (docs/benchmarks.md, sixth session).
--
-- invoices.order_id (generated from metadata) keeps its own statistics: listing by orderId uses it.
ALTER TABLE outbox_events ALTER COLUMN payload SET STATISTICS 0;
ALTER TABLE invoices ALTER COLUMN metadata SET STATISTICS 0, ALTER COLUMN checkout SET STATISTICS 0;
ALTER TABLE invoice_payments ALTER COLUMN details SET STATISTICS 0;
ALTER TABLE invoice_payment_methods ALTER COLUMN details SET STATISTICS 0;
