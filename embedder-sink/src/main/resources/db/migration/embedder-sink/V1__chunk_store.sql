-- The sink's store: chunk rows with embeddings, partitioned by patient; the sink's Kafka offsets and per-patient
-- watermarks; the patient-scoped read path (reader role, row-level security, search function).
-- Flyway runs this with schema ehrflow as its default schema (flyway_schema_history lives there too).

-- pgvector, in schema public (Flyway puts ehrflow first on the search_path, which would otherwise capture the
-- type and hide it from every client). Creating it needs a superuser or the database owner (pgvector is a
-- trusted extension from 0.5 on); where the sink's user may not, a DBA runs this once and it is a no-op here.
CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;

-- The SQL twin of PatientKey.of (schemas module): 'pk_' + the first 16 bytes (32 hex) of
-- SHA-256(strip(system) || '|' || strip(value)) in UTF-8. The trimmed characters are exactly those Java's
-- String.strip() removes (Character.isWhitespace), so keys agree for any input. Blank input gives NULL
-- (Java throws), so a join on a blank identifier matches nothing.
CREATE FUNCTION ehrflow.patient_key(system text, value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    WITH t AS (
        SELECT btrim(system, ws) AS s, btrim(value, ws) AS v
        FROM (SELECT E' \t\n\u000B\f\r\u001C\u001D\u001E\u001F\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200A\u2028\u2029\u205F\u3000' AS ws) w
    )
    SELECT CASE WHEN s = '' OR v = '' THEN NULL
                ELSE 'pk_' || left(encode(sha256(convert_to(s || '|' || v, 'UTF8')), 'hex'), 32) END
    FROM t
$$;

-- One row per chunk. Hash-partitioned by patient key: one patient's rows live in one partition, so a
-- patient-scoped query touches one partition and its (patient_key, ...) indexes. The partition count (16) is
-- fixed when the table is created: changing it means creating a new table and copying the rows.
CREATE TABLE ehrflow.chunk (
    patient_key       text        NOT NULL,
    chunk_id          text        NOT NULL,   -- "<sourceId>#<index>"
    source_id         text        NOT NULL,   -- "Type/id": the unit a chunk set replaces
    resource_type     text        NOT NULL,
    resource_version  text,
    encounter_id      text,
    note_type         text,
    section           text,
    chunk_index       integer     NOT NULL,
    text              text        NOT NULL,
    token_count       integer     NOT NULL,
    content_hash      text        NOT NULL,   -- SHA-256 hex of text: with model_name, decides re-embedding
    phi_present       boolean     NOT NULL,
    phi_kinds         text[]      NOT NULL DEFAULT '{}',
    source_type       text        NOT NULL,   -- HL7V2 | FHIR | CDC
    source_system     text        NOT NULL,
    source_message_id text        NOT NULL,   -- MSH-10 / CDC LSN / FHIR id+version
    raw_topic         text,
    raw_partition     integer     NOT NULL,
    raw_offset        bigint      NOT NULL,
    event_time        timestamptz,
    ingest_time       timestamptz NOT NULL,
    model_name        text        NOT NULL,
    embedding         vector(384) NOT NULL,
    indexed_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (patient_key, chunk_id)
) PARTITION BY HASH (patient_key);

DO $$
BEGIN
    FOR r IN 0..15 LOOP
        EXECUTE format('CREATE TABLE ehrflow.%I PARTITION OF ehrflow.chunk FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                       'chunk_p' || lpad(r::text, 2, '0'), r);
    END LOOP;
END
$$;

CREATE INDEX chunk_patient_source_idx ON ehrflow.chunk (patient_key, source_id);

-- Where the sink is in each partition of its input topic, written in the same transaction as the rows.
CREATE TABLE ehrflow.sink_offset (
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    next_offset    bigint      NOT NULL,   -- the next record to read (last processed + 1)
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer_group, topic, partition)
);

-- Up to which source event each patient is searchable: a reader compares its event's ingest time with
-- last_ingest_time (or waits for it) before trusting a search.
CREATE TABLE ehrflow.patient_watermark (
    patient_key      text PRIMARY KEY,
    last_event_time  timestamptz,
    last_ingest_time timestamptz NOT NULL,
    last_indexed_at  timestamptz NOT NULL,
    chunk_sets       bigint      NOT NULL
);

-- Patient-scoped exact search: cosine distance over the rows of one patient (a btree narrows to them; no ANN
-- index, so recall is 100%). SECURITY INVOKER, so a reader's row-level security applies inside.
CREATE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector(384), p_k integer)
    RETURNS TABLE (
        chunk_id          text,
        source_id         text,
        resource_type     text,
        resource_version  text,
        encounter_id      text,
        note_type         text,
        section           text,
        chunk_index       integer,
        text              text,
        phi_present       boolean,
        phi_kinds         text[],
        source_type       text,
        source_system     text,
        source_message_id text,
        raw_topic         text,
        raw_partition     integer,
        raw_offset        bigint,
        event_time        timestamptz,
        ingest_time       timestamptz,
        indexed_at        timestamptz,
        model_name        text,
        distance          double precision)
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    -- The <=> operator is looked up at call time: pin the path so a caller's search_path cannot change it.
    SET search_path = public, pg_catalog
AS $$
BEGIN
    IF p_patient_key IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_patient_key is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_query is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_k IS NULL OR p_k < 1 OR p_k > 1000 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_k must be between 1 and 1000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
        SELECT c.chunk_id, c.source_id, c.resource_type, c.resource_version, c.encounter_id, c.note_type, c.section,
               c.chunk_index, c.text, c.phi_present, c.phi_kinds, c.source_type, c.source_system,
               c.source_message_id, c.raw_topic, c.raw_partition, c.raw_offset, c.event_time, c.ingest_time,
               c.indexed_at, c.model_name, (c.embedding <=> p_query)::double precision
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;

-- The read path. Retrieval services log in as a role that is a member of ehrflow_reader and, per transaction,
-- name the patient: SET LOCAL ehrflow.patient_key = 'pk_...'. Row-level security then shows them that
-- patient's rows only, whatever they query. The role is cluster-wide, so it is created only if missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ehrflow_reader') THEN
        CREATE ROLE ehrflow_reader NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA ehrflow TO ehrflow_reader;
-- Only the partitioned parents: policies are checked on the table named in the query, so the partitions
-- themselves get no grant (selecting from chunk_p03 directly is denied).
GRANT SELECT ON ehrflow.chunk, ehrflow.patient_watermark TO ehrflow_reader;
GRANT EXECUTE ON FUNCTION ehrflow.search_chunks(text, vector, integer) TO ehrflow_reader;
GRANT EXECUTE ON FUNCTION ehrflow.patient_key(text, text) TO ehrflow_reader;

ALTER TABLE ehrflow.chunk ENABLE ROW LEVEL SECURITY;
ALTER TABLE ehrflow.patient_watermark ENABLE ROW LEVEL SECURITY;
-- current_setting(.., true) is NULL when unset, and NULL = anything is not true: no patient named, no rows.
CREATE POLICY chunk_one_patient ON ehrflow.chunk FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
CREATE POLICY watermark_one_patient ON ehrflow.patient_watermark FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
