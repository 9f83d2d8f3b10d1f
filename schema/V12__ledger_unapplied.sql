-- Lines not yet applied to their account's balance.
--
-- Every card tap at a store credits that store's account. Updating the account's row makes that
-- row the store's serial point: PostgreSQL holds the row lock from the update to the commit,
-- including the commit's WAL flush, so two taps at one store could never commit in the same
-- flush and a store was capped at one tap per disk flush.
--
-- A line that can never break "balance >= 0" (a credit to a store, any line of the bookkeeping
-- accounts, which may go negative) is therefore appended here by the statement that writes the
-- journal, and its account's row is not touched. Debits of card and store accounts still update
-- the row under its lock with the non-negative check; a store debit first folds the store's
-- unapplied lines into its balance (DELETE ... RETURNING, then UPDATE, in one statement), and a
-- periodic pass folds everything else. An account's balance is always
--     ledger_accounts.balance + SUM(ledger_unapplied.amount_sats of that account)
-- and equals the sum of its ledger_lines. Credits only ever wait here, so the row's balance is
-- never above what the account holds: a debit checked against it can never overdraw.
-- Card accounts never have unapplied lines (their rows are locked per card, not shared).
CREATE TABLE ledger_unapplied (
    account      TEXT   NOT NULL,
    journal_id   BIGINT NOT NULL,
    amount_sats  BIGINT NOT NULL,
    PRIMARY KEY (account, journal_id),
    FOREIGN KEY (journal_id, account) REFERENCES ledger_lines (journal_id, account)
);
