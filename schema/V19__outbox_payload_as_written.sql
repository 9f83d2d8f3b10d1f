-- Event payloads are stored as the gateway wrote them (json) instead of as jsonb.
--
-- Nothing reads into a payload: it is written once and only ever read back whole, as text, to be
-- sent (POS frames, replays, webhook bodies). jsonb parsed every payload into its binary form on
-- insert and printed it back on every read; json only checks that the text is valid JSON and keeps
-- it. Measured with pgbench on the 2-core machine (docs/benchmarks.md, twelfth session): a
-- settlement's four events written and read back cost PostgreSQL about 14% less CPU.
--
-- Payloads already stored keep their document (the text jsonb printed: keys in jsonb's order);
-- new ones keep the gateway's key order. The column type change rewrites the table once.
ALTER TABLE outbox_events ALTER COLUMN payload TYPE json USING payload::json;
-- as V16: no planner statistics for a column no query filters on
ALTER TABLE outbox_events ALTER COLUMN payload SET STATISTICS 0;
