-- What each card spent per UTC day, for its daily limit.
--
-- The limit used to be checked by summing the card's ledger debits joined with their journals,
-- which reads every line the card ever had (the lines are indexed by account, not by date): a
-- tap cost more with each month of the card's history. Now every debit of a card (tap,
-- LNURL-withdraw paid inside the ledger or over Lightning) adds to this row in the same
-- transaction, under the card's row lock (taps take it by consuming the counter, withdrawals by
-- SELECT ... FOR UPDATE), and the check reads one row. A refund of a failed withdrawal does not
-- give the limit back (as before: the limit counts what left, not what stayed).
CREATE TABLE card_spend_days (
    card_id  TEXT   NOT NULL REFERENCES cards (id),
    day      DATE   NOT NULL,
    sats     BIGINT NOT NULL CHECK (sats >= 0),
    PRIMARY KEY (card_id, day)
);

-- Every day the ledger already holds, so a limit is still exact on the day of the upgrade.
INSERT INTO card_spend_days (card_id, day, sats)
SELECT substr(l.account, 6), (j.created_at AT TIME ZONE 'UTC')::date, -SUM(l.amount_sats)
  FROM ledger_lines l JOIN ledger_journals j ON j.id = l.journal_id
 WHERE l.account LIKE 'card:%' AND l.amount_sats < 0 AND j.kind IN ('card-payment', 'card-withdraw')
   AND EXISTS (SELECT 1 FROM cards c WHERE c.id = substr(l.account, 6))
 GROUP BY 1, 2;
