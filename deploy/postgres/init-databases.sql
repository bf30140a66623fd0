-- Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d).
-- ehr: the demo EHR (source of CDC; cdc-capture's migrations run in the ehr-init service).
-- rag: the vector store (the sink runs its own migrations).
CREATE DATABASE ehr;
CREATE DATABASE rag;
