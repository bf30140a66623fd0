-- Issue 15, search latency at 10,000 chunks: the lexical pass found its candidates by evaluating `lex @@ q` on every
-- row of the patient's partition (about 5 us a row: 59 ms for a patient of 11,000 chunks, EXPLAIN ANALYZE). A GIN
-- index on (patient_key, lex) answers "this patient's rows holding one of these terms" from the index instead
-- (0.1 ms for the same query). btree_gin lets GIN index the patient key beside the lexemes; it is a trusted
-- extension, so the database owner (the sink's role) may create it.
-- On the partitioned parent this builds one index per partition while holding the migration's lock: writes wait
-- during the build (minutes at millions of rows). A large installation can build each partition's index first with
-- CREATE INDEX CONCURRENTLY on the same columns; this statement then attaches those instead of building again.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS chunk_patient_lex_idx ON ehrflow.chunk USING gin (patient_key, lex);
