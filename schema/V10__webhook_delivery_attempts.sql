-- The webhook delivery log keeps every attempt. webhook_deliveries holds a delivery's latest
-- outcome (the Greenfield fields: httpCode, errorMessage, status) and how many attempts were made;
-- operators chasing a flaky receiver need each attempt: when, what the receiver answered, or why
-- there was no answer.
--
-- A row is written by the same statement that records the attempt's outcome on the delivery
-- (WebhookSender), so the two never disagree; its number is the delivery's attempts count after
-- that attempt (1, 2, 3, ...).
CREATE TABLE webhook_delivery_attempts (
    delivery_id    TEXT        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt        INTEGER     NOT NULL CHECK (attempt > 0),
    attempted_at   TIMESTAMPTZ NOT NULL,
    http_code      INTEGER,                 -- null: no answer (connection refused, timeout, ...)
    error_message  TEXT,                    -- null: a 2xx answer
    CONSTRAINT webhook_delivery_attempts_unique UNIQUE (delivery_id, attempt)
);
