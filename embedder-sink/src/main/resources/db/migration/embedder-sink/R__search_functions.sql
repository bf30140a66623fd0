-- The sink's read functions as they are now, replaced in place whenever this file changes (Flyway runs a
-- repeatable migration after every pending versioned one, and again when its checksum changes). Versioned
-- migrations V1..V8 created them release by release and are never edited (ReleasedMigrationsTest); a change to a
-- function body goes HERE, so an upgraded database and a fresh one end with the same definitions. CREATE OR
-- REPLACE keeps grants and dependants; it cannot change a function's arguments or result columns: that still needs a
-- new versioned migration (DROP + CREATE, as V5 did), after which this file carries the new form.
-- retrieval-api calls these signatures (search_chunks_cited, search_chunks with 3, 4 and 14 arguments,
-- search_chunks_deid, wait_for_source, deid_twins, citation_status_deid).

-- Wait for a source event (V2).
-- Waits until a chunk set of the given source event has been committed for the patient, or the timeout passes.
-- Polls in 50 ms steps; VOLATILE so each check (READ COMMITTED) takes a fresh snapshot. SECURITY INVOKER: a
-- reader's row-level security applies, so it can only wait for the patient named in its transaction.
CREATE OR REPLACE FUNCTION ehrflow.wait_for_source(p_patient_key text, p_source_message_id text, p_timeout interval)
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

GRANT EXECUTE ON FUNCTION ehrflow.wait_for_source(text, text, interval) TO ehrflow_reader, ehrflow_deid_reader;

-- The query's model and dimensions against the model readers are served (V3): every dense search checks it
-- first (after taking its lock on ehrflow.chunk), so a query is never compared with another model's vectors
-- around a re-index switch. p_caller names the search in the message; p_query may be NULL (lexical mode).
CREATE OR REPLACE FUNCTION ehrflow.check_served_model(p_caller text, p_model text, p_query vector)
    RETURNS void
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    SET search_path = public, pg_catalog
AS $$
DECLARE
    served ehrflow.embedding_model%ROWTYPE;
BEGIN
    SELECT * INTO served FROM ehrflow.embedding_model m WHERE m.role = 'serving';
    IF p_model IS NOT NULL AND p_model IS DISTINCT FROM served.model_name THEN
        RAISE EXCEPTION '%: the query was embedded with %, readers are served %', p_caller, p_model,
            coalesce(served.model_name, 'no model yet')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'embed the query with the serving model';
    END IF;
    IF p_query IS NOT NULL AND served.dimensions IS NOT NULL AND vector_dims(p_query) <> served.dimensions THEN
        RAISE EXCEPTION '%: the query has % dimensions, the serving model %', p_caller, vector_dims(p_query),
            served.dimensions USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.check_served_model(text, text, vector) TO ehrflow_reader, ehrflow_deid_reader;

-- Dense search, model-checked and plain (V5 result columns).
CREATE OR REPLACE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector, p_k integer, p_model text)
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
    -- Planned at every call with the patient's key, so the plan reads and locks the patient's partition only: a
    -- cached generic plan locks all 16 partitions of ehrflow.chunk before pruning at run time (5 of its 21 locks
    -- beyond the backend's fast-path slots). 3-4% less database CPU per search under 16 concurrent readers
    -- (RetrievalSqlLoad, BENCHMARKS.md "Retrieval API, session 8").
    SET search_path = public, pg_catalog
    SET plan_cache_mode = force_custom_plan
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
    -- Takes ACCESS SHARE on ehrflow.chunk (any query does, when it is parsed); LOCK TABLE would need a
    -- table-wide privilege that the de-identified reader does not have.
    PERFORM FROM ehrflow.chunk c WHERE false AND c.patient_key = p_patient_key;
    PERFORM ehrflow.check_served_model('ehrflow.search_chunks', p_model, p_query);
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

CREATE OR REPLACE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector(384), p_k integer)
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

-- Dense search with each hit's citations, for the raw reader (retrieval-api): the rows of the four-argument form,
-- in its order, plus `sources` (every source of the patient with the hit's text: its twins, the hit's own first
-- among them) and `cites` (the facts that text states, over all its twins), as search_chunks_deid answers them to
-- the de-identified reader. One statement: the hits' twins are read in one index scan over their content hashes,
-- not per hit, and planned with the patient's key (see search_chunks above). Against the four-argument form plus
-- a per-hit twin lookup in the caller's statement (0.9 ms more database CPU per search under 16 concurrent
-- readers, 5,000 chunks), this costs 0.4-0.6 ms more than the bare form, 0.4 ms at 300 chunks (RetrievalSqlLoad,
-- BENCHMARKS.md "Retrieval API, session 8").
CREATE OR REPLACE FUNCTION ehrflow.search_chunks_cited(p_patient_key text, p_query vector, p_k integer,
        p_model text)
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
        ocr_low_confidence boolean,
        sources           text[],
        cites             text[])
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    SET search_path = public, pg_catalog
    SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    IF p_patient_key IS NULL OR p_query IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_cited: p_patient_key and p_query are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_k IS NULL OR p_k < 1 OR p_k > 1000 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks_cited: p_k must be between 1 and 1000'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- ACCESS SHARE on ehrflow.chunk before the model check, as the four-argument form takes it
    PERFORM FROM ehrflow.chunk c WHERE false AND c.patient_key = p_patient_key;
    PERFORM ehrflow.check_served_model('ehrflow.search_chunks_cited', p_model, p_query);
    RETURN QUERY
        WITH hits AS (
            SELECT c.chunk_id, c.source_id, c.resource_type, c.resource_version, c.encounter_id, c.note_type,
                   c.section, c.chunk_index, c.text, c.phi_present, c.phi_kinds, c.source_type, c.source_system,
                   c.source_message_id, c.raw_topic, c.raw_partition, c.raw_offset, c.event_time, c.ingest_time,
                   c.indexed_at, c.model_name, (c.embedding <=> p_query)::double precision AS dist, c.page_start,
                   c.page_end, c.section_code, c.document_part, c.ocr, c.ocr_confidence, c.ocr_low_confidence,
                   c.content_hash AS hash
            FROM ehrflow.chunk c
            WHERE c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
            ORDER BY dist, c.chunk_id
            LIMIT p_k
        ),
        twins AS (
            -- a twin with an empty cites array still states its own text (coalesce keeps {}, the FILTER drops
            -- its NULL), so it counts among the sources but adds no fact
            SELECT t.content_hash AS hash, array_agg(DISTINCT t.source_id ORDER BY t.source_id) AS srcs,
                   array_agg(DISTINCT x ORDER BY x) FILTER (WHERE x IS NOT NULL) AS facts
            FROM ehrflow.chunk t LEFT JOIN LATERAL unnest(coalesce(t.cites, ARRAY[t.source_id])) x ON true
            WHERE t.patient_key = p_patient_key AND t.content_hash = ANY (ARRAY(SELECT h2.hash FROM hits h2))
            GROUP BY t.content_hash
        )
        SELECT h.chunk_id, h.source_id, h.resource_type, h.resource_version, h.encounter_id, h.note_type,
               h.section, h.chunk_index, h.text, h.phi_present, h.phi_kinds, h.source_type, h.source_system,
               h.source_message_id, h.raw_topic, h.raw_partition, h.raw_offset, h.event_time, h.ingest_time,
               h.indexed_at, h.model_name, h.dist, h.page_start, h.page_end, h.section_code, h.document_part,
               h.ocr, h.ocr_confidence, h.ocr_low_confidence, coalesce(w.srcs, '{}'), coalesce(w.facts, '{}')
        FROM hits h LEFT JOIN twins w ON w.hash = h.hash
        ORDER BY h.dist, h.chunk_id;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks_cited(text, vector, integer, text) TO ehrflow_reader;

-- The de-identified twin with the same model check and lock, and the citation columns (V8).
CREATE OR REPLACE FUNCTION ehrflow.deid_twins(p_chunk_ids text[])
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

CREATE OR REPLACE FUNCTION ehrflow.search_chunks_deid(p_patient_key text, p_query vector, p_k integer, p_model text)
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
    PERFORM ehrflow.check_served_model('ehrflow.search_chunks_deid', p_model, p_query);
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

CREATE OR REPLACE FUNCTION ehrflow.search_chunks_deid(p_patient_key text, p_query vector(384), p_k integer)
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

-- The status of cited resources for the de-identified reader, without their PHI (V8).
CREATE OR REPLACE FUNCTION ehrflow.citation_status_deid(p_patient_key text, p_refs text[])
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


-- Hybrid search, the overload that takes the question's text too. Existing signatures are unchanged.
--   p_mode   'hybrid' (default): dense and BM25 rankings fused; 'dense': cosine only; 'lexical': BM25 only.
--   p_fusion 'score' (default): (1 - w) * (1 - distance) + w * BM25 / best BM25 of the question, w = p_lexical_weight
--            (default 0.5); 'rrf': 1 / (60 + dense rank) + w / (60 + lexical rank) (reciprocal-rank fusion). Chosen by
--            measurement on the benchmark's 926 questions (BENCHMARKS.md, "Retrieval"): score 0.5 had the best
--            recall@1/@5, MRR and nDCG of score 0.3/0.5 and RRF 0.5/1/2, named and clinician-phrased alike at @5.
--   filters  event time in [p_from, p_to), resource types, encounter (its story and every row filed under it),
--            note types, sections; NULL = no filter. Rows without an event time fail a time filter.
-- Identical texts of the patient (twins: a note stored as a DocumentReference and as a DiagnosticReport, re-sent
-- documents) are returned once, as the best-ranked row, with `sources` listing every source_id that has the text
-- and `cites` every resource whose facts it states (an encounter story chunk cites its Observations).
-- The model check and the table lock come first, as in the four-argument form (V3).
CREATE OR REPLACE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector, p_query_text text, p_k integer,
        p_model text,
        p_mode text DEFAULT 'hybrid',
        p_from timestamptz DEFAULT NULL, p_to timestamptz DEFAULT NULL,
        p_resource_types text[] DEFAULT NULL, p_encounter_id text DEFAULT NULL,
        p_note_types text[] DEFAULT NULL, p_sections text[] DEFAULT NULL,
        p_fusion text DEFAULT 'score', p_lexical_weight double precision DEFAULT 0.5)
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
        sources           text[],
        dense_rank        integer,
        lexical_rank      integer,
        lexical_score     double precision,
        score             double precision,
        cites             text[])
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    -- Planned at every call with the patient's key, as the four-argument form: 5% less database CPU per hybrid
    -- search at 5,000 chunks under 16 concurrent readers (RetrievalSqlLoad). Not search_chunks_deid: its statement
    -- costs more to plan than its generic plan's partition locks (+5% planned per call).
    SET search_path = public, pg_catalog
    SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    terms text[];
    q tsquery;
    n_docs double precision;
    avg_len double precision;
    depth integer;
    tqs tsquery[];
    ws double precision[];
BEGIN
    IF p_patient_key IS NULL THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_patient_key is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_mode IS NULL OR p_mode NOT IN ('hybrid', 'dense', 'lexical') THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_mode must be hybrid, dense or lexical' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_fusion IS NULL OR p_fusion NOT IN ('rrf', 'score') OR p_lexical_weight IS NULL OR p_lexical_weight < 0 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_fusion must be rrf or score, p_lexical_weight >= 0'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_query IS NULL AND p_mode <> 'lexical' THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_query is required in % mode', p_mode USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_query_text IS NULL AND p_mode <> 'dense' THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_query_text is required in % mode', p_mode USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_k IS NULL OR p_k < 1 OR p_k > 1000 THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: p_k must be between 1 and 1000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM FROM ehrflow.chunk c WHERE false AND c.patient_key = p_patient_key;
    PERFORM ehrflow.check_served_model('ehrflow.search_chunks', p_model, p_query);

    IF p_mode <> 'dense' THEN
        terms := ehrflow.lex_terms(p_query_text);
        SELECT s.docs, s.total_len::double precision / greatest(s.docs, 1) INTO n_docs, avg_len
        FROM ehrflow.lex_stats s WHERE s.patient_key = p_patient_key;
        -- Candidates are the rows holding a term of at most half the patient's rows (IDF above ln 2); the common
        -- terms ('patient', 'blood') still score inside them. Without that, one common word of a question makes
        -- every row a candidate whose lexemes are then read: 200 ms instead of a few at 5,000 rows. A question of
        -- common terms only falls back to all its terms. Lexemes are quoted one by one: no tsquery syntax in a
        -- question can get through.
        SELECT string_agg(quote_literal(t.term), ' | ')::tsquery INTO q FROM ehrflow.lex_term t
        WHERE t.patient_key = p_patient_key AND t.term = ANY (terms) AND t.df <= n_docs / 2;
        IF q IS NULL THEN
            SELECT string_agg(quote_literal(t), ' | ')::tsquery INTO q FROM unnest(terms) t;
        END IF;
        -- Each term of the question the patient's rows have, as a one-lexeme query, with its IDF
        -- (Lucene's form, never negative).
        SELECT array_agg(quote_literal(t.term)::tsquery ORDER BY t.term),
               array_agg(ln(1 + (n_docs - t.df + 0.5) / (t.df + 0.5)) ORDER BY t.term)
        INTO tqs, ws FROM ehrflow.lex_term t WHERE t.patient_key = p_patient_key AND t.term = ANY (terms);
    END IF;
    -- Each ranking keeps its best rows only (enough that collapsing twins still leaves p_k); fusion, the twin
    -- collapse and the row fetch work on those few.
    depth := p_k * 3 + 100;

    RETURN QUERY
    WITH dense AS (
        SELECT c.chunk_id, c.content_hash, (c.embedding <=> p_query)::double precision AS dist
        FROM ehrflow.chunk c
        WHERE p_mode <> 'lexical' AND c.patient_key = p_patient_key AND (p_model IS NULL OR c.model_name = p_model)
          AND (p_from IS NULL OR c.event_time >= p_from) AND (p_to IS NULL OR c.event_time < p_to)
          AND (p_resource_types IS NULL OR c.resource_type = ANY (p_resource_types))
          AND (p_encounter_id IS NULL OR c.encounter_id = p_encounter_id OR c.source_id = 'Encounter/' || p_encounter_id)
          AND (p_note_types IS NULL OR c.note_type = ANY (p_note_types))
          AND (p_sections IS NULL OR c.section = ANY (p_sections))
        -- By the alias: "ORDER BY c.embedding <=> p_query" beside the cast column computed every distance twice.
        ORDER BY dist, c.chunk_id
        LIMIT depth
    ),
    dense_ranked AS (
        SELECT d.*, row_number() OVER (ORDER BY d.dist, d.chunk_id)::integer AS r FROM dense d
    ),
    bm25 AS (
        -- BM25 (k1 = 1.2, b = 0.75) with binary term frequency: a chunk is at most a few hundred tokens and a
        -- question's terms rarely repeat in one, and reading every lexeme's positions (unnest) cost 5x the time at
        -- 5,000 rows. Score = sum of the IDF of the question's terms the row has, times the length factor.
        SELECT c.chunk_id, c.content_hash,
               (SELECT sum(x.w) FROM unnest(tqs, ws) x(tq, w) WHERE c.lex @@ x.tq) * 2.2
                   / (1 + 1.2 * (0.25 + 0.75 * length(c.lex) / greatest(avg_len, 1))) AS s
        FROM ehrflow.chunk c
        WHERE p_mode <> 'dense' AND q IS NOT NULL AND c.patient_key = p_patient_key AND c.lex @@ q
          AND (p_model IS NULL OR c.model_name = p_model)
          AND (p_from IS NULL OR c.event_time >= p_from) AND (p_to IS NULL OR c.event_time < p_to)
          AND (p_resource_types IS NULL OR c.resource_type = ANY (p_resource_types))
          AND (p_encounter_id IS NULL OR c.encounter_id = p_encounter_id OR c.source_id = 'Encounter/' || p_encounter_id)
          AND (p_note_types IS NULL OR c.note_type = ANY (p_note_types))
          AND (p_sections IS NULL OR c.section = ANY (p_sections))
    ),
    lexical AS (
        SELECT m.chunk_id, m.content_hash, m.s, row_number() OVER (ORDER BY m.s DESC, m.chunk_id)::integer AS r,
               max(m.s) OVER () AS best
        FROM bm25 m ORDER BY m.s DESC, m.chunk_id LIMIT depth
    ),
    fused AS (
        SELECT coalesce(d.chunk_id, l.chunk_id) AS id, coalesce(d.content_hash, l.content_hash) AS hash,
               d.r AS dr, l.r AS lr, l.s AS ls,
               CASE WHEN p_fusion = 'rrf' THEN
                        coalesce(1.0 / (60 + d.r), 0) + p_lexical_weight * coalesce(1.0 / (60 + l.r), 0)
                    ELSE (1 - p_lexical_weight) * coalesce(1 - d.dist, 0)
                        + p_lexical_weight * coalesce(l.s / nullif(l.best, 0), 0) END::double precision AS f
        FROM dense_ranked d FULL JOIN lexical l ON l.chunk_id = d.chunk_id
    ),
    best AS (
        -- One row per text: twins collapse onto their best-ranked row.
        SELECT DISTINCT ON (f.hash) f.* FROM fused f ORDER BY f.hash, f.f DESC, f.id
    ),
    top AS (
        SELECT b.* FROM best b ORDER BY b.f DESC, b.id LIMIT p_k
    )
    SELECT c.chunk_id, c.source_id, c.resource_type, c.resource_version, c.encounter_id, c.note_type, c.section,
           c.chunk_index, c.text, c.phi_present, c.phi_kinds, c.source_type, c.source_system, c.source_message_id,
           c.raw_topic, c.raw_partition, c.raw_offset, c.event_time, c.ingest_time, c.indexed_at, c.model_name,
           CASE WHEN p_query IS NULL THEN NULL ELSE (c.embedding <=> p_query)::double precision END,
           -- Every source of the patient with this text (twins outside the filters too: they state it as well).
           ARRAY(SELECT DISTINCT t.source_id FROM ehrflow.chunk t WHERE t.patient_key = p_patient_key
                 AND t.content_hash = c.content_hash ORDER BY t.source_id),
           top.dr, top.lr, top.ls, top.f,
           -- The facts the text states, over all its twins (each cites its own source).
           ARRAY(SELECT DISTINCT x FROM ehrflow.chunk t, unnest(coalesce(t.cites, ARRAY[t.source_id])) x
                 WHERE t.patient_key = p_patient_key AND t.content_hash = c.content_hash ORDER BY x)
    FROM top JOIN ehrflow.chunk c ON c.patient_key = p_patient_key AND c.chunk_id = top.id
    ORDER BY top.f DESC, top.id;
END
$$;

GRANT EXECUTE ON FUNCTION ehrflow.search_chunks(text, vector, text, integer, text, text, timestamptz, timestamptz,
    text[], text, text[], text[], text, double precision) TO ehrflow_reader;
