-- Wave 3: which embedding model readers are served, and the one a re-index is building (model change without
-- downtime). The re-index adds shadow columns next_model_name / next_content_hash / next_embedding to
-- ehrflow.chunk while it builds, and switches them in atomically (see the sink's README, "Re-index").

-- One row per role: 'serving' is the model of ehrflow.chunk.embedding (readers embed their queries with it);
-- 'building' exists only while a re-index fills the shadow columns. Writers (the sink, the re-index command)
-- read these rows FOR SHARE as the first statement of each transaction and the re-index takes them FOR UPDATE
-- to change the columns, so no writer ever uses a column that a switch is renaming or dropping.
CREATE TABLE ehrflow.embedding_model (
    role        text        PRIMARY KEY CHECK (role IN ('serving', 'building')),
    model_name  text        NOT NULL,
    dimensions  integer     NOT NULL CHECK (dimensions > 0),
    since       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Stores that already hold rows are served the model those rows were embedded with; an empty store is
-- claimed by the first sink that starts (EmbeddingModels.claim).
INSERT INTO ehrflow.embedding_model (role, model_name, dimensions)
SELECT 'serving', c.model_name, public.vector_dims(c.embedding) FROM ehrflow.chunk c LIMIT 1;

GRANT SELECT ON ehrflow.embedding_model TO ehrflow_reader, ehrflow_deid_reader;

-- Search that names the model its query was embedded with. A query of another model than the serving one is
-- refused (SQLSTATE 55000) instead of being compared with vectors of a different space, and only rows of that
-- model are returned. STABLE: the serving check and the rows come from one snapshot, and a switch is one
-- transaction, so a search sees either the old model's rows or the new one's, never a mix.
CREATE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector, p_k integer, p_model text)
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
    SET search_path = public, pg_catalog
AS $$
DECLARE
    served ehrflow.embedding_model%ROWTYPE;
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
    SELECT * INTO served FROM ehrflow.embedding_model m WHERE m.role = 'serving';
    IF p_model IS NOT NULL AND p_model IS DISTINCT FROM served.model_name THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: the query was embedded with %, readers are served %', p_model,
            coalesce(served.model_name, 'no model yet')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'embed the query with the serving model';
    END IF;
    IF served.dimensions IS NOT NULL AND vector_dims(p_query) <> served.dimensions THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: the query has % dimensions, the serving model %',
            vector_dims(p_query), served.dimensions USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
        SELECT c.chunk_id, c.source_id, c.resource_type, c.resource_version, c.encounter_id, c.note_type, c.section,
               c.chunk_index, c.text, c.phi_present, c.phi_kinds, c.source_type, c.source_system,
               c.source_message_id, c.raw_topic, c.raw_partition, c.raw_offset, c.event_time, c.ingest_time,
               c.indexed_at, c.model_name, (c.embedding <=> p_query)::double precision
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;

-- The de-identified twin with the same model check.
CREATE FUNCTION ehrflow.search_chunks_deid(p_patient_key text, p_query vector, p_k integer, p_model text)
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
DECLARE
    served ehrflow.embedding_model%ROWTYPE;
BEGIN
    IF p_patient_key IS NULL OR p_query IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: p_patient_key and p_query are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_k IS NULL OR p_k < 1 OR p_k > 1000 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: p_k must be between 1 and 1000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO served FROM ehrflow.embedding_model m WHERE m.role = 'serving';
    IF p_model IS NOT NULL AND p_model IS DISTINCT FROM served.model_name THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: the query was embedded with %, readers are served %', p_model,
            coalesce(served.model_name, 'no model yet')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'embed the query with the serving model';
    END IF;
    RETURN QUERY
        SELECT c.chunk_id, c.source_id, c.resource_type, c.section, c.deidentified_text, c.source_type,
               c.source_message_id, c.event_time, (c.embedding <=> p_query)::double precision
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks(text, vector, integer, text) TO ehrflow_reader;
GRANT EXECUTE ON FUNCTION ehrflow.search_chunks_deid(text, vector, integer, text) TO ehrflow_deid_reader;
