-- Issue 12: chunks cut from extracted documents (PDF pages, scans, C-CDA sections) say where they stand, so a
-- retriever can cite "page 3" or "Medications (LOINC 10160-0)" and knows whether the words were read by OCR.
-- Columns are NULL/false for every other chunk; adding them is catalog-only (constant defaults), and ALTER TABLE on
-- the partitioned parent reaches all 16 partitions.
ALTER TABLE ehrflow.chunk
    ADD COLUMN page_start         integer,
    ADD COLUMN page_end           integer,
    ADD COLUMN section_code       text,
    ADD COLUMN document_part      text,
    ADD COLUMN ocr                boolean NOT NULL DEFAULT false,
    ADD COLUMN ocr_confidence     real,
    ADD COLUMN ocr_low_confidence boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN ehrflow.chunk.page_start IS 'first page (1-based) of a paginated document the chunk comes from';
COMMENT ON COLUMN ehrflow.chunk.section_code IS 'code of the document section (C-CDA: LOINC|<code>)';
COMMENT ON COLUMN ehrflow.chunk.document_part IS 'the attachment the text came from (content[0], Binary/<id>, .../nonXMLBody)';
COMMENT ON COLUMN ehrflow.chunk.ocr_confidence IS 'mean Tesseract word confidence 0..100 of the page(s), when ocr';

-- Page numbers, section codes and OCR flags are not PHI: the de-identified reader may see them.
GRANT SELECT (page_start, page_end, section_code, document_part, ocr, ocr_confidence, ocr_low_confidence)
    ON ehrflow.chunk TO ehrflow_deid_reader;

-- search_chunks returns them (appended after distance, so readers that name columns are unaffected). A function's
-- result type cannot be changed in place: both forms are dropped and created again, with their grants, in this
-- migration's transaction, so no reader ever sees them missing.
DROP FUNCTION ehrflow.search_chunks(text, vector, integer);
DROP FUNCTION ehrflow.search_chunks(text, vector, integer, text);

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
        distance          double precision,
        page_start        integer,
        page_end          integer,
        section_code      text,
        document_part     text,
        ocr               boolean,
        ocr_confidence    real,
        ocr_low_confidence boolean)
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
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
    -- Takes ACCESS SHARE on ehrflow.chunk (any query does, when it is parsed); LOCK TABLE would need a
    -- table-wide privilege that the de-identified reader does not have.
    PERFORM FROM ehrflow.chunk c WHERE false AND c.patient_key = p_patient_key;
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
               c.indexed_at, c.model_name, (c.embedding <=> p_query)::double precision,
               c.page_start, c.page_end, c.section_code, c.document_part, c.ocr, c.ocr_confidence,
               c.ocr_low_confidence
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks(text, vector, integer, text) TO ehrflow_reader;

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
        distance          double precision,
        page_start        integer,
        page_end          integer,
        section_code      text,
        document_part     text,
        ocr               boolean,
        ocr_confidence    real,
        ocr_low_confidence boolean)
    LANGUAGE sql VOLATILE SECURITY INVOKER
    SET search_path = public, pg_catalog
AS $$
    SELECT * FROM ehrflow.search_chunks(p_patient_key, p_query, p_k, NULL::text)
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks(text, vector, integer) TO ehrflow_reader;
