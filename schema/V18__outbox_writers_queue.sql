-- Event writers queue their events for numbering themselves, in the statement that inserts them.
--
-- Since V14 a statement-level trigger copied every new outbox row into outbox_unnumbered through a
-- transition table, and the V8 trigger ran a PL/pgSQL function after every insert to decide whether
-- to notify. Every invoice creation, payment and status change pays for both: measured with pgbench
-- on the 2-core machine (docs/benchmarks.md, tenth session), a settlement's four event inserts
-- cost PostgreSQL about a fifth less CPU without them. The writers (events.Outbox and the two
-- invoice inserts) now add the rows to outbox_unnumbered with a data-modifying CTE of the same
-- statement (Outbox.insertSql), so the row and its queue entry still commit or roll back together.
--
-- The notify trigger stays for writers that do not wake the dispatchers themselves (SQL typed by
-- hand, a test), but is not even called for those that do: its WHEN clause reads the setting they
-- make, so no function runs. Such a writer must queue its rows itself (outbox_unnumbered), as
-- Outbox.insertSql does. Upgrade every node of a cluster together: an older node would still count
-- on the queue trigger, and its events would wait unnumbered.
DROP TRIGGER outbox_events_queue ON outbox_events;
DROP FUNCTION outbox_events_queue();

DROP TRIGGER outbox_events_notify ON outbox_events;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT
    WHEN (coalesce(current_setting('flash.outbox_wake', true), '') <> 'local')
    EXECUTE FUNCTION outbox_events_notify();
