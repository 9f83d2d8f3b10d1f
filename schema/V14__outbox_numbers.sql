-- Event numbers in a narrow table of their own; the outbox row is written once.
--
-- The dispatcher used to number an event by updating its outbox row (store_seq, pub_batch). Both
-- columns are indexed, so the update was never HOT: every event was written twice, payload
-- included, and left a dead row version behind. At 1,000 events/s that is 1,000 dead rows a
-- second, and autovacuum's first pass over outbox_events stalled card taps for up to a second on
-- the 2-core reference machine (docs/benchmarks.md, fifth session).
--
-- Now an AFTER INSERT trigger queues each new event in outbox_unnumbered (event id and store, in
-- the writer's transaction: a rolled-back event is never queued). The numbering pass, under its
-- advisory lock as before, deletes the oldest queued ids, gives each its store's next seq and the
-- publication batch, and inserts that into outbox_numbers. outbox_events is insert-only.
CREATE TABLE outbox_unnumbered (
    event_id  BIGINT PRIMARY KEY,
    store_id  TEXT   NOT NULL
);

CREATE TABLE outbox_numbers (
    event_id   BIGINT PRIMARY KEY REFERENCES outbox_events (id),
    store_id   TEXT   NOT NULL,
    store_seq  BIGINT NOT NULL,
    pub_batch  BIGINT,             -- NULL for events numbered before V11
    CONSTRAINT outbox_numbers_store_seq UNIQUE (store_id, store_seq)
);
CREATE INDEX outbox_numbers_pub_batch ON outbox_numbers (pub_batch, event_id) WHERE pub_batch IS NOT NULL;

INSERT INTO outbox_numbers (event_id, store_id, store_seq, pub_batch)
    SELECT id, store_id, store_seq, pub_batch FROM outbox_events WHERE store_seq IS NOT NULL;
INSERT INTO outbox_unnumbered (event_id, store_id)
    SELECT id, store_id FROM outbox_events WHERE store_seq IS NULL;

ALTER TABLE outbox_events DROP CONSTRAINT outbox_store_seq_unique;
ALTER TABLE outbox_events DROP COLUMN store_seq, DROP COLUMN pub_batch;  -- drops their indexes too

-- One statement-level trigger: a multi-row insert queues its rows in one INSERT ... SELECT.
CREATE FUNCTION outbox_events_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outbox_unnumbered (event_id, store_id) SELECT id, store_id FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_events_queue AFTER INSERT ON outbox_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_queue();
