-- Wave 2: de-identified text beside each chunk; the latest FHIR JSON of every resource (source records);
-- per-patient log of applied source events and a function that waits until one is searchable.

-- The chunker's PHI-free variant of the text (placeholders such as [NAME-1]); NULL where it has none.
ALTER TABLE ehrflow.chunk ADD COLUMN deidentified_text text;

-- The latest FHIR JSON of every resource, per patient, hash-partitioned exactly like ehrflow.chunk (same key,
-- same modulus), so one patient's chunks and records sit in partitions of the same remainder. Every chunk's
-- source_id that names a resource ("Type/id") resolves here; a retrieval service cites it without a 404.
CREATE TABLE ehrflow.source_record (
    patient_key       text        NOT NULL,
    resource_ref      text        NOT NULL,   -- "Type/id", the FHIR reference (= ehrflow.chunk.source_id)
    resource_type     text        NOT NULL,
    resource_id       text        NOT NULL,
    version_id        text,
    encounter_id      text,
    resource_json     jsonb       NOT NULL,
    source_type       text        NOT NULL,
    source_system     text        NOT NULL,
    source_message_id text        NOT NULL,
    raw_topic         text,
    raw_partition     integer     NOT NULL,
    raw_offset        bigint      NOT NULL,
    event_time        timestamptz,
    ingest_time       timestamptz NOT NULL,
    stored_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (patient_key, resource_ref)
) PARTITION BY HASH (patient_key);

DO $$
BEGIN
    FOR r IN 0..15 LOOP
        EXECUTE format('CREATE TABLE ehrflow.%I PARTITION OF ehrflow.source_record FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                       'source_record_p' || lpad(r::text, 2, '0'), r);
    END LOOP;
END
$$;

-- A patient's recent events in time order (agent memory): newest first by event time, then ingest time.
CREATE INDEX source_record_patient_time_idx ON ehrflow.source_record (patient_key, event_time DESC, ingest_time DESC);

-- Which source events (MSH-10 / CDC LSN / FHIR id+version) have had a chunk set committed, per patient, so a
-- caller can wait until the event it just sent is searchable. One row per (patient, event); pruned by age if
-- needed (DELETE ... WHERE indexed_at < now() - interval '30 days').
CREATE TABLE ehrflow.source_event (
    patient_key       text        NOT NULL,
    source_message_id text        NOT NULL,
    ingest_time       timestamptz NOT NULL,
    indexed_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (patient_key, source_message_id)
) PARTITION BY HASH (patient_key);

DO $$
BEGIN
    FOR r IN 0..15 LOOP
        EXECUTE format('CREATE TABLE ehrflow.%I PARTITION OF ehrflow.source_event FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                       'source_event_p' || lpad(r::text, 2, '0'), r);
    END LOOP;
END
$$;

-- The watermark also remembers the last event applied (diagnostics; the wait function uses source_event).
ALTER TABLE ehrflow.patient_watermark ADD COLUMN last_source_message_id text;

-- Waits until a chunk set of the given source event has been committed for the patient, or the timeout passes.
-- Polls in 50 ms steps; VOLATILE so each check (READ COMMITTED) takes a fresh snapshot. SECURITY INVOKER: a
-- reader's row-level security applies, so it can only wait for the patient named in its transaction.
CREATE FUNCTION ehrflow.wait_for_source(p_patient_key text, p_source_message_id text, p_timeout interval)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    SET search_path = pg_catalog
AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + coalesce(p_timeout, interval '0');
BEGIN
    IF p_patient_key IS NULL OR p_source_message_id IS NULL THEN
        RAISE EXCEPTION 'ehrflow.wait_for_source: p_patient_key and p_source_message_id are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_timeout > interval '5 minutes' THEN
        RAISE EXCEPTION 'ehrflow.wait_for_source: p_timeout must be at most 5 minutes'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    LOOP
        IF EXISTS (SELECT 1 FROM ehrflow.source_event e
                   WHERE e.patient_key = p_patient_key AND e.source_message_id = p_source_message_id) THEN
            RETURN true;
        END IF;
        IF clock_timestamp() >= deadline THEN
            RETURN false;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
END
$$;

GRANT SELECT ON ehrflow.source_record, ehrflow.source_event TO ehrflow_reader;
GRANT EXECUTE ON FUNCTION ehrflow.wait_for_source(text, text, interval) TO ehrflow_reader;

ALTER TABLE ehrflow.source_record ENABLE ROW LEVEL SECURITY;
ALTER TABLE ehrflow.source_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY source_record_one_patient ON ehrflow.source_record FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
CREATE POLICY source_event_one_patient ON ehrflow.source_event FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));

-- Restricting a reader to the de-identified text: revoke the table-wide grant and grant the columns a PHI-free
-- reader may see (column privileges; RLS still applies). Done for a separate role so ehrflow_reader is unchanged.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ehrflow_deid_reader') THEN
        CREATE ROLE ehrflow_deid_reader NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA ehrflow TO ehrflow_deid_reader;
GRANT SELECT (patient_key, chunk_id, source_id, resource_type, resource_version, encounter_id, note_type, section,
              chunk_index, deidentified_text, token_count, phi_present, phi_kinds, source_type, source_system,
              source_message_id, raw_topic, raw_partition, raw_offset, event_time, ingest_time, model_name,
              embedding, indexed_at)
    ON ehrflow.chunk TO ehrflow_deid_reader;
CREATE POLICY chunk_one_patient_deid ON ehrflow.chunk FOR SELECT TO ehrflow_deid_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));

-- The de-identified twin of search_chunks: the same patient-scoped exact search, returning only columns a
-- PHI-free reader may see (deidentified_text instead of text). SECURITY INVOKER: column grants and RLS apply.
CREATE FUNCTION ehrflow.search_chunks_deid(p_patient_key text, p_query vector(384), p_k integer)
    RETURNS TABLE (
        chunk_id          text,
        source_id         text,
        resource_type     text,
        section           text,
        deidentified_text text,
        source_type       text,
        source_message_id text,
        event_time        timestamptz,
        distance          double precision)
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    SET search_path = public, pg_catalog
AS $$
BEGIN
    IF p_patient_key IS NULL OR p_query IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: p_patient_key and p_query are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_k IS NULL OR p_k < 1 OR p_k > 1000 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: p_k must be between 1 and 1000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
        SELECT c.chunk_id, c.source_id, c.resource_type, c.section, c.deidentified_text, c.source_type,
               c.source_message_id, c.event_time, (c.embedding <=> p_query)::double precision
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;
GRANT EXECUTE ON FUNCTION ehrflow.search_chunks_deid(text, vector, integer) TO ehrflow_deid_reader;
GRANT EXECUTE ON FUNCTION ehrflow.patient_key(text, text) TO ehrflow_deid_reader;
