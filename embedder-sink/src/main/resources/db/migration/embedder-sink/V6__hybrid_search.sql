-- Issue 15: hybrid (lexical + dense) patient-scoped search with BM25 term weighting, duplicate texts returned
-- once with every source they came from, and filters. (V5 is taken by the document-provenance work.)

-- Lexical matching. PostgreSQL's english configuration already keeps letter-digit words whole (HbA1c, B12, CD4,
-- SpO2: the parser's "numword", not stemmed); its parser splits or glues other clinical tokens in ways a question
-- cannot match, so text is prepared first, the same way for rows and questions:
--   'A1c/Hemoglobin.total' is one "file" token -> split at '/' and at '.' between letters ('A1c Hemoglobin total');
--   LOINC '4548-4' becomes '4548' and '-4'       -> joined ('45484'; a date's '2015-03' has two digits, untouched);
--   'COVID-19', 'SARS-CoV-2' lose their number   -> the joined form and the word ('COVID19 COVID');
--   ISO date '2015-03-04' becomes '2015', '-03', '-04' (the month and day match any date) -> one token for the
--   day and one for the year ('20150304 2015'), so "on 2015-03-04" and "in 2015" both match.
-- ICD-10 'E11.9' stays one token, as the parser reads it.
CREATE TEXT SEARCH CONFIGURATION ehrflow.clinical (COPY = pg_catalog.english);

CREATE FUNCTION ehrflow.lex_prepare(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(p_text,
        '(\d{4})-(\d{2})-(\d{2})', '\1\2\3 \1', 'g'),
        '([[:alnum:]])/([[:alpha:]])', '\1 \2', 'g'),
        '([[:alpha:]])\.([[:alpha:]])', '\1 \2', 'g'),
        '(\d)-(\d)(?!\d)', '\1\2', 'g'),
        '([[:alpha:]]+)-(\d+)', '\1\2 \1', 'g')
$$;

CREATE FUNCTION ehrflow.lex_vector(p_text text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT to_tsvector('ehrflow.clinical'::regconfig, ehrflow.lex_prepare(p_text))
$$;

-- The distinct lexemes of a question, as the rows' lexemes are made.
CREATE FUNCTION ehrflow.lex_terms(p_text text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(u.lexeme ORDER BY u.lexeme), '{}') FROM unnest(ehrflow.lex_vector(p_text)) u
$$;

-- Keep each row's vector inline. A chunk row (vector 1.5 kB + text + lexemes) is over the 2 kB default TOAST target,
-- so PostgreSQL moved the vector out of line and every exact search read ~6 buffers per row (45 ms for one patient's
-- 10,000 rows; 26 ms inline, measured in the retrieval benchmark's latency probe). MAIN keeps it inline unless a row
-- would not fit a page (a re-index's second vector of a large model can still go out of line); the target applies to
-- rows written from now on, and the rewrite below rewrites every existing row.
ALTER TABLE ehrflow.chunk ALTER COLUMN embedding SET STORAGE MAIN;
DO $$
DECLARE
    p regclass;
BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'ehrflow.chunk'::regclass LOOP
        EXECUTE format('ALTER TABLE %s SET (toast_tuple_target = 8160)', p);
    END LOOP;
END
$$;

-- A stored generated column: written with the row by whatever writes the row (sink, merge, re-index), never stale.
-- Adding it rewrites the table once (the migration's only table rewrite).
ALTER TABLE ehrflow.chunk ADD COLUMN lex tsvector GENERATED ALWAYS AS (ehrflow.lex_vector(text)) STORED;

-- Fact-level citations: the resources ("Type/id") whose facts a chunk states (Chunk.cites). NULL in rows written
-- before: they cite their source (readers coalesce; no backfill rewrite).
ALTER TABLE ehrflow.chunk ADD COLUMN IF NOT EXISTS cites text[];
-- Resource references are not PHI: the de-identified reader may read them.
GRANT SELECT (cites) ON ehrflow.chunk TO ehrflow_deid_reader;

-- Lets the sink find a stored vector for a text any source of the patient already has (twins embedded once).
CREATE INDEX chunk_patient_hash_idx ON ehrflow.chunk (patient_key, content_hash);

-- BM25 needs each term's document frequency and the mean document length. They are kept per patient (a
-- question is always about one patient, and a term that is rare in the whole store can be in every chunk of this
-- patient) and kept current by statement triggers on the chunk table: every INSERT / UPDATE / DELETE, including
-- the sink's upserts, merges (an UPDATE of patient_key) and retractions, adds and subtracts its rows' lexemes in
-- the same transaction. Rows whose patient and lexemes did not change (a re-index rewriting vectors) cost a
-- comparison and nothing else. Length = distinct lexemes (tsvector length), a common BM25 simplification.
CREATE TABLE ehrflow.lex_term (
    patient_key text    NOT NULL,
    term        text    NOT NULL,
    df          integer NOT NULL,
    PRIMARY KEY (patient_key, term)
);

CREATE TABLE ehrflow.lex_stats (
    patient_key text   PRIMARY KEY,
    docs        bigint NOT NULL,
    total_len   bigint NOT NULL
);

-- One changed row: its patient, its lexemes, +1 (added) or -1 (removed).
CREATE TYPE ehrflow.lex_delta AS (patient_key text, lex tsvector, s integer);

CREATE FUNCTION ehrflow.lex_stats_apply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
AS $$
DECLARE
    delta ehrflow.lex_delta[];
BEGIN
    -- Changed rows only. For an UPDATE a row whose patient and lexemes are unchanged (a re-index rewriting its
    -- vector, an upsert of the same text) cancels out before any lexeme is counted.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(n.patient_key, n.lex, 1)::ehrflow.lex_delta) INTO delta FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(o.patient_key, o.lex, -1)::ehrflow.lex_delta) INTO delta FROM old_rows o;
    ELSE
        SELECT array_agg(x) INTO delta FROM (
            SELECT ROW(n.patient_key, n.lex, 1)::ehrflow.lex_delta AS x FROM new_rows n
            WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.chunk_id = n.chunk_id
                              AND o.patient_key = n.patient_key AND o.lex = n.lex)
            UNION ALL
            SELECT ROW(o.patient_key, o.lex, -1)::ehrflow.lex_delta FROM old_rows o
            WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE o.chunk_id = n.chunk_id
                              AND o.patient_key = n.patient_key AND o.lex = n.lex)) d;
    END IF;
    IF delta IS NULL THEN
        RETURN NULL;
    END IF;
    -- Sorted by key, so two transactions touching the same patient's terms lock them in one order (no deadlock).
    INSERT INTO ehrflow.lex_stats AS t (patient_key, docs, total_len)
    SELECT d.patient_key, sum(d.s), sum(d.s * length(d.lex)) FROM unnest(delta) d
    GROUP BY d.patient_key ORDER BY d.patient_key
    ON CONFLICT (patient_key) DO UPDATE SET docs = t.docs + EXCLUDED.docs, total_len = t.total_len + EXCLUDED.total_len;
    INSERT INTO ehrflow.lex_term AS t (patient_key, term, df)
    SELECT d.patient_key, u.lexeme, sum(d.s) FROM unnest(delta) d, unnest(d.lex) u
    GROUP BY d.patient_key, u.lexeme HAVING sum(d.s) <> 0 ORDER BY 1, 2
    ON CONFLICT (patient_key, term) DO UPDATE SET df = t.df + EXCLUDED.df;
    -- Terms and patients that no longer occur.
    DELETE FROM ehrflow.lex_term t USING (SELECT DISTINCT d.patient_key, u.lexeme FROM unnest(delta) d,
            unnest(d.lex) u WHERE d.s < 0) gone
    WHERE t.patient_key = gone.patient_key AND t.term = gone.lexeme AND t.df <= 0;
    DELETE FROM ehrflow.lex_stats t WHERE t.docs <= 0
        AND t.patient_key IN (SELECT d.patient_key FROM unnest(delta) d WHERE d.s < 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER chunk_lex_insert AFTER INSERT ON ehrflow.chunk REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ehrflow.lex_stats_apply();
CREATE TRIGGER chunk_lex_update AFTER UPDATE ON ehrflow.chunk REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ehrflow.lex_stats_apply();
CREATE TRIGGER chunk_lex_delete AFTER DELETE ON ehrflow.chunk REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ehrflow.lex_stats_apply();

-- Rows already stored.
INSERT INTO ehrflow.lex_stats (patient_key, docs, total_len)
SELECT c.patient_key, count(*), sum(length(c.lex)) FROM ehrflow.chunk c GROUP BY c.patient_key;
INSERT INTO ehrflow.lex_term (patient_key, term, df)
SELECT c.patient_key, u.lexeme, count(*) FROM ehrflow.chunk c, unnest(c.lex) u GROUP BY 1, 2;

-- Readers see the statistics of the patient they named only (term frequencies are derived from PHI). The
-- de-identified reader gets neither the statistics nor the lex column (lexemes of the raw text): its search
-- stays dense over de-identified text.
GRANT SELECT ON ehrflow.lex_term, ehrflow.lex_stats TO ehrflow_reader;
ALTER TABLE ehrflow.lex_term ENABLE ROW LEVEL SECURITY;
ALTER TABLE ehrflow.lex_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY lex_term_one_patient ON ehrflow.lex_term FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
CREATE POLICY lex_stats_one_patient ON ehrflow.lex_stats FOR SELECT TO ehrflow_reader
    USING (patient_key = current_setting('ehrflow.patient_key', true));
GRANT EXECUTE ON FUNCTION ehrflow.lex_prepare(text), ehrflow.lex_vector(text), ehrflow.lex_terms(text)
    TO ehrflow_reader;

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
CREATE FUNCTION ehrflow.search_chunks(p_patient_key text, p_query vector, p_query_text text, p_k integer,
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
    SET search_path = public, pg_catalog
AS $$
DECLARE
    served ehrflow.embedding_model%ROWTYPE;
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
    SELECT * INTO served FROM ehrflow.embedding_model m WHERE m.role = 'serving';
    IF p_model IS NOT NULL AND p_model IS DISTINCT FROM served.model_name THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: the query was embedded with %, readers are served %', p_model,
            coalesce(served.model_name, 'no model yet')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'embed the query with the serving model';
    END IF;
    IF p_query IS NOT NULL AND served.dimensions IS NOT NULL AND vector_dims(p_query) <> served.dimensions THEN
        RAISE EXCEPTION 'ehrflow.search_chunks: the query has % dimensions, the serving model %',
            vector_dims(p_query), served.dimensions USING ERRCODE = 'invalid_parameter_value';
    END IF;

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
