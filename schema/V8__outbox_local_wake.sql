-- Performance: the per-commit NOTIFY serialized every invoice creation.
--
-- PostgreSQL takes one database-wide lock on the notification queue in the commit of every
-- transaction that issued NOTIFY, and holds it until that commit's WAL record is flushed. So all
-- writers of outbox rows committed one fsync at a time: under load the dominant wait of the
-- gateway's connections was "Lock:object ... COMMIT" (sampled from pg_stat_activity at 400/s),
-- and group commit never happened.
--
-- Gateway writers now mark their transaction (set_config('flash.outbox_wake', 'local', true) in
-- the same statement as the outbox INSERT, so no extra round trip) and wake their own node's
-- dispatcher in process once the transaction commits (events.Outbox). Any other writer (psql, a
-- tool, an older node) still notifies, as before. Losing a local wake-up loses nothing: rows are
-- durable and the dispatcher polls as a safety net and on start.
CREATE OR REPLACE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('flash.outbox_wake', true), '') <> 'local' THEN
        PERFORM pg_notify('outbox_events', '');
    END IF;
    RETURN NULL;
END
$$;
