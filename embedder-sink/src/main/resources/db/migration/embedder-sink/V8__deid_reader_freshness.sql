-- Issues 16 and 12: the de-identified reader (ehrflow_deid_reader) gets the read side the raw reader has, and still
-- no raw text: freshness waits, citation columns on its search, and the status of cited resources.

-- 1. Freshness waits. source_event holds no PHI (patient key, source message id, ingest and index times): the
-- de-identified reader may read its patient's rows (row-level security as for ehrflow_reader) and wait on them.
GRANT SELECT ON ehrflow.source_event TO ehrflow_deid_reader;
CREATE POLICY source_event_one_patient_deid ON ehrflow.source_event FOR SELECT TO ehrflow_deid_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
GRANT EXECUTE ON FUNCTION ehrflow.wait_for_source(text, text, interval) TO ehrflow_deid_reader;

-- 2. search_chunks_deid returns what search_chunks does for citations: version, note type, page(s), section code,
-- document part, OCR flag and confidence (V5), the twins' sources and the facts cited (V6). Columns are appended
-- after distance, so readers that name columns or read the first nine by position are unaffected. A result type
-- cannot change in place: both forms are dropped and created again, with their grants, in this transaction.
DROP FUNCTION ehrflow.search_chunks_deid(text, vector, integer);
DROP FUNCTION ehrflow.search_chunks_deid(text, vector, integer, text);

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
        distance          double precision,
        resource_version  text,
        note_type         text,
        page_start        integer,
        page_end          integer,
        section_code      text,
        document_part     text,
        ocr               boolean,
        ocr_confidence    real,
        ocr_low_confidence boolean,
        sources           text[],
        cites             text[])
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
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
    -- Takes ACCESS SHARE on ehrflow.chunk (any query does, when it is parsed); LOCK TABLE would need a
    -- table-wide privilege that the de-identified reader does not have.
    PERFORM FROM ehrflow.chunk c WHERE false AND c.patient_key = p_patient_key;
    SELECT * INTO served FROM ehrflow.embedding_model m WHERE m.role = 'serving';
    IF p_model IS NOT NULL AND p_model IS DISTINCT FROM served.model_name THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_deid: the query was embedded with %, readers are served %', p_model,
            coalesce(served.model_name, 'no model yet')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'embed the query with the serving model';
    END IF;
    -- Twins (the same note as a DocumentReference and a DiagnosticReport, re-sent documents) are found by their
    -- de-identified text: this reader has no grant on content_hash, a hash of the raw text.
    RETURN QUERY
        SELECT c.chunk_id, c.source_id, c.resource_type, c.section, c.deidentified_text, c.source_type,
               c.source_message_id, c.event_time, (c.embedding <=> p_query)::double precision,
               c.resource_version, c.note_type, c.page_start, c.page_end, c.section_code, c.document_part, c.ocr,
               c.ocr_confidence, c.ocr_low_confidence,
               ARRAY(SELECT DISTINCT t.source_id FROM ehrflow.chunk t WHERE t.patient_key = p_patient_key
                     AND (t.chunk_id = c.chunk_id OR t.deidentified_text = c.deidentified_text) ORDER BY t.source_id),
               ARRAY(SELECT DISTINCT x FROM ehrflow.chunk t, unnest(coalesce(t.cites, ARRAY[t.source_id])) x
                     WHERE t.patient_key = p_patient_key
                     AND (t.chunk_id = c.chunk_id OR t.deidentified_text = c.deidentified_text) ORDER BY x)
        FROM ehrflow.chunk c
        WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
        ORDER BY c.embedding <=> p_query, c.chunk_id
        LIMIT p_k;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks_deid(text, vector, integer, text) TO ehrflow_deid_reader;

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
        distance          double precision,
        resource_version  text,
        note_type         text,
        page_start        integer,
        page_end          integer,
        section_code      text,
        document_part     text,
        ocr               boolean,
        ocr_confidence    real,
        ocr_low_confidence boolean,
        sources           text[],
        cites             text[])
    LANGUAGE sql VOLATILE SECURITY INVOKER
    SET search_path = public, pg_catalog
AS $$
    SELECT * FROM ehrflow.search_chunks_deid(p_patient_key, p_query, p_k, NULL::text)
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks_deid(text, vector, integer) TO ehrflow_deid_reader;

-- 3. Citation verification: whether a cited resource is entered-in-error or was superseded lives in source_record,
-- whose resource_json is PHI and stays ungranted. This function answers the status code and version only, for the
-- patient the transaction is scoped to.
CREATE FUNCTION ehrflow.citation_status_deid(p_patient_key text, p_refs text[])
    RETURNS TABLE (resource_ref text, version_id text, status text, recorded boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
BEGIN
    -- SECURITY DEFINER reads past row-level security, so it checks the scope itself: the patient the caller's
    -- transaction is scoped to (what the policies compare), nobody else.
    IF p_patient_key IS NULL OR p_patient_key IS DISTINCT FROM current_setting('ehrflow.patient_key', true) THEN
        RAISE EXCEPTION 'ehrflow.citation_status_deid: only for the patient the transaction is scoped to'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_refs IS NULL OR cardinality(p_refs) > 1000 THEN
        RAISE EXCEPTION 'ehrflow.citation_status_deid: p_refs must hold 0 to 1000 references'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- A status that is not a FHIR code (lower-case letters and hyphens) is withheld: nothing free-text leaves.
    RETURN QUERY
        SELECT r.ref, s.version_id,
               CASE WHEN (s.resource_json ->> 'status') ~ '^[a-z][a-z-]{0,31}$' THEN s.resource_json ->> 'status' END,
               s.resource_ref IS NOT NULL
        FROM unnest(p_refs) AS r(ref)
        LEFT JOIN ehrflow.source_record s ON s.patient_key = p_patient_key AND s.resource_ref = r.ref;
END
$$;

REVOKE ALL ON FUNCTION ehrflow.citation_status_deid(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ehrflow.citation_status_deid(text, text[]) TO ehrflow_deid_reader;
