-- Performance: address indexes from a SEQUENCE per derivation scheme instead of the counter row.
--
-- The counter row (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) was locked from allocation
-- until the invoice's COMMIT (including a Lightning AddInvoice call and the WAL flush), so all
-- invoices of one scheme were created one after another. nextval() takes no lock that lasts
-- beyond the call.
--
-- Trade-off: a sequence is not transactional. An invoice that rolls back after taking an index
-- leaves that index unused (a gap). Wallets scan a gap limit (BIP44: 20) past the last used
-- address; unpaid invoices (expired ones) already leave such gaps, which operators watch with
-- the payment method's status (nextIndex, lastUsedIndex, gap). Rollbacks at creation are rare
-- (a failing Lightning node, a crash), so the extra gap is small. Never handed out twice still
-- holds: a sequence never returns a value twice, and chain_addresses keeps its UNIQUE
-- (scheme, idx) and UNIQUE script constraints. (A crash before the WAL of an uncommitted nextval
-- is flushed can return that value again, but no committed invoice ever held it.)
--
-- The sequence is named from the scheme's hash and created on first use, starting where the
-- scheme's counter row stopped (existing data keeps its indexes). The counter table is kept,
-- frozen, for the record.

CREATE FUNCTION chain_index_sequence(p_scheme TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT 'chain_index_' || md5(p_scheme)
$$;

-- The next index of a scheme (creating its sequence the first time).
CREATE FUNCTION chain_next_index(p_scheme TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    seq   TEXT := chain_index_sequence(p_scheme);
    start INTEGER;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        SELECT next_index INTO start FROM chain_address_counters WHERE scheme = p_scheme;
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I AS INTEGER MINVALUE 0 START %s', seq, coalesce(start, 0));
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL; -- created concurrently by another transaction that has committed since
        END;
    END IF;
    RETURN nextval(seq);
END
$$;

-- The index the next invoice of a scheme would get (for the method's status), without taking it.
CREATE FUNCTION chain_peek_next_index(p_scheme TEXT) RETURNS INTEGER LANGUAGE plpgsql STABLE AS $$
DECLARE
    seq    TEXT := chain_index_sequence(p_scheme);
    last   BIGINT;
    called BOOLEAN;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        RETURN (SELECT next_index FROM chain_address_counters WHERE scheme = p_scheme);
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %I', seq) INTO last, called;
    RETURN CASE WHEN called THEN last + 1 ELSE last END;
END
$$;
