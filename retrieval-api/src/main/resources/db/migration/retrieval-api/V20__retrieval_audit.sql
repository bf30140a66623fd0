-- The retrieval API's audit trail: one append-only record per request, hash-chained (each record's HMAC covers
-- the previous record's), in its own schema with its own Flyway history (ehrflow_audit.flyway_schema_history),
-- so it never interleaves with the sink's migrations of schema ehrflow and can be owned by a different principal
-- than the vector store. Numbered from V20 to stay clear of the sink's V1.. numbers in any merged listing.

-- Writer: the API's login role is a member (INSERT only on the log). Auditor: reads the log, writes nothing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ehrflow_audit_writer') THEN
        CREATE ROLE ehrflow_audit_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ehrflow_auditor') THEN
        CREATE ROLE ehrflow_auditor NOLOGIN;
    END IF;
END
$$;

CREATE TABLE ehrflow_audit.audit_record (
    seq             bigint      PRIMARY KEY,      -- gap-free: a missing number is a deleted record
    recorded_at     timestamptz NOT NULL,
    request_id      uuid        NOT NULL UNIQUE,  -- = the retrieval_id of a /v1/retrieve call
    endpoint        text        NOT NULL,         -- e.g. POST /v1/retrieve
    client_id       text,                         -- token azp / client_id; NULL when no valid token
    user_id         text,                         -- token sub
    scopes          text[]      NOT NULL,
    purpose_of_use  text,                         -- X-Purpose-Of-Use header, as sent
    patient_key     text,
    text_level      text,                         -- RAW | DEIDENTIFIED | NULL (refused before a decision)
    query_hash      text,                         -- HMAC-SHA256 of the query text (default)
    query_text      text,                         -- only with EHRFLOW_API_AUDIT_QUERY_TEXT=true
    k               integer,
    chunk_ids       text[]      NOT NULL,
    resource_refs   text[]      NOT NULL,
    hit_count       integer     NOT NULL,
    status          integer     NOT NULL,         -- HTTP status returned
    outcome         text        NOT NULL,         -- ALLOWED | REFUSED | FAILED
    reason          text,                         -- reason code of a refusal or failure
    latency_ms      integer     NOT NULL,
    prev_hash       text        NOT NULL,         -- hash of record seq-1 (or of the anchor)
    hash            text        NOT NULL          -- HMAC-SHA256(key, prev_hash || canonical fields), hex
);
CREATE INDEX audit_record_recorded_at_idx ON ehrflow_audit.audit_record (recorded_at);

-- The chain head: writers take it FOR UPDATE, so records of several API instances form one chain. It also makes
-- the deletion of the newest record detectable (the head still names it).
CREATE TABLE ehrflow_audit.audit_head (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq      bigint  NOT NULL,
    hash     text    NOT NULL
);
INSERT INTO ehrflow_audit.audit_head (seq, hash) VALUES (0, repeat('0', 64));

-- Where the chain starts after retention pruned older records (written by the owner's prune command only).
CREATE TABLE ehrflow_audit.audit_anchor (
    seq        bigint      PRIMARY KEY,   -- the last pruned record; the chain resumes at seq + 1
    hash       text        NOT NULL,      -- that record's hash (= prev_hash of record seq + 1)
    pruned_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The retrieval set of one request, for citation verification: a narrow window onto the log, so the writer role
-- needs no SELECT on it (it is append-only: INSERT, never read back, never changed).
CREATE FUNCTION ehrflow_audit.retrieval_set(p_request_id uuid)
    RETURNS TABLE (patient_key text, text_level text, chunk_ids text[], resource_refs text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
    SELECT r.patient_key, r.text_level, r.chunk_ids, r.resource_refs
    FROM ehrflow_audit.audit_record r
    WHERE r.request_id = p_request_id AND r.endpoint = 'POST /v1/retrieve' AND r.outcome = 'ALLOWED'
$$;
REVOKE ALL ON FUNCTION ehrflow_audit.retrieval_set(uuid) FROM PUBLIC;

GRANT USAGE ON SCHEMA ehrflow_audit TO ehrflow_audit_writer, ehrflow_auditor;
GRANT INSERT ON ehrflow_audit.audit_record TO ehrflow_audit_writer;
GRANT SELECT, UPDATE ON ehrflow_audit.audit_head TO ehrflow_audit_writer;
GRANT EXECUTE ON FUNCTION ehrflow_audit.retrieval_set(uuid) TO ehrflow_audit_writer;
GRANT SELECT ON ehrflow_audit.audit_record, ehrflow_audit.audit_head, ehrflow_audit.audit_anchor TO ehrflow_auditor;
