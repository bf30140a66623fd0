-- Issues 16 and 12: the de-identified reader (ehrflow_deid_reader) gets the read side the raw reader has, and still
-- no raw text: freshness waits, citation columns on its search, and the status of cited resources.

-- 1. Freshness waits. source_event holds no PHI (patient key, source message id, ingest and index times): the
-- de-identified reader may read its patient's rows (row-level security as for ehrflow_reader) and wait on them.
GRANT SELECT ON ehrflow.source_event TO ehrflow_deid_reader;
CREATE POLICY source_event_one_patient_deid ON ehrflow.source_event FOR SELECT TO ehrflow_deid_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
GRANT EXECUTE ON FUNCTION ehrflow.wait_for_source(text, text, interval) TO ehrflow_deid_reader;

-- 2. search_chunks_deid returns what search_chunks does for citations: version, note type, page(s), section code,
-- document part, OCR flag and confidence (V5), the twins' sources and the facts cited (V6, as the hybrid form). Columns are appended
-- after distance, so readers that name columns or read the first nine by position are unaffected. A result type
-- cannot change in place: both forms are dropped and created again, with their grants, in this transaction.
DROP FUNCTION ehrflow.search_chunks_deid(text, vector, integer);
DROP FUNCTION ehrflow.search_chunks_deid(text, vector, integer, text);

-- The twins' sources and cites are found by content_hash (a hash of the raw text, not granted to this reader)
-- through a SECURITY DEFINER helper that answers for the transaction's patient only.
CREATE FUNCTION ehrflow.deid_twins(p_chunk_ids text[])
    RETURNS TABLE (chunk_id text, sources text[], cites text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
    -- Only the patient the caller's transaction is scoped to (what the policies compare): SECURITY DEFINER reads
    -- past row-level security, so it never takes a patient from its arguments. Without a scope it returns nothing.
    SELECT c.chunk_id,
           ARRAY(SELECT DISTINCT t.source_id FROM ehrflow.chunk t
                 WHERE t.patient_key = c.patient_key AND t.content_hash = c.content_hash ORDER BY t.source_id),
           ARRAY(SELECT DISTINCT x FROM ehrflow.chunk t, unnest(coalesce(t.cites, ARRAY[t.source_id])) x
                 WHERE t.patient_key = c.patient_key AND t.content_hash = c.content_hash ORDER BY x)
    FROM ehrflow.chunk c
    WHERE c.patient_key = current_setting('ehrflow.patient_key', true) AND c.chunk_id = ANY (p_chunk_ids[1:1000])
$$;

REVOKE ALL ON FUNCTION ehrflow.deid_twins(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ehrflow.deid_twins(text[]) TO ehrflow_deid_reader;

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
    -- Twins (the same note as a DocumentReference and a DiagnosticReport, re-sent documents) share content_hash,
    -- a hash of the raw text that this reader may not read: deid_twins looks them up on the owner's rights, over
    -- the chunk_patient_hash_idx, and answers source ids and cited references only (not PHI).
    RETURN QUERY
        WITH hits AS (
            SELECT c.chunk_id AS id, c.source_id AS src, c.resource_type AS rtype, c.section AS sec,
                   c.deidentified_text AS dtext, c.source_type AS stype, c.source_message_id AS msg,
                   c.event_time AS etime, (c.embedding <=> p_query)::double precision AS dist,
                   c.resource_version AS ver, c.note_type AS ntype, c.page_start AS p1, c.page_end AS p2,
                   c.section_code AS scode, c.document_part AS part, c.ocr AS is_ocr, c.ocr_confidence AS conf,
                   c.ocr_low_confidence AS low, c.cites AS own_cites
            FROM ehrflow.chunk c
            WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
            ORDER BY c.embedding <=> p_query, c.chunk_id
            LIMIT p_k
        )
        SELECT h.id, h.src, h.rtype, h.sec, h.dtext, h.stype, h.msg, h.etime, h.dist, h.ver, h.ntype, h.p1, h.p2,
               h.scode, h.part, h.is_ocr, h.conf, h.low, coalesce(tw.sources, ARRAY[h.src]),
               coalesce(tw.cites, h.own_cites, ARRAY[h.src])
        FROM hits h
        LEFT JOIN ehrflow.deid_twins(ARRAY(SELECT h2.id FROM hits h2)) tw ON tw.chunk_id = h.id
        ORDER BY h.dist, h.id;
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
