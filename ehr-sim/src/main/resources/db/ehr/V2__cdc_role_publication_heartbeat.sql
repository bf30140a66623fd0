-- What Debezium needs, and no more: a LOGIN REPLICATION role that is not a superuser and can only read the
-- captured tables, a publication created by the table owner (publication.autocreate.mode=disabled), and a
-- heartbeat table the connector may update.
-- The role's password is not set here: EhrSchema.migrate sets it afterwards as a SCRAM verifier computed on
-- the client, so neither the migration text nor the server log ever holds it.

-- Roles are cluster-wide: another database of the same cluster may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ehrflow_cdc') THEN
        CREATE ROLE ehrflow_cdc LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
-- Whatever an earlier hand-made role had, make it exactly what capture needs.
ALTER ROLE ehrflow_cdc LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- Debezium's heartbeat.action.query updates this row, so the slot advances even when no captured table
-- changes (otherwise a quiet EHR table in a busy cluster pins WAL).
CREATE TABLE ehr.cdc_heartbeat (
    id integer PRIMARY KEY,
    ts timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ehr.cdc_heartbeat (id, ts) VALUES (1, now());

GRANT USAGE ON SCHEMA ehr TO ehrflow_cdc;
-- SELECT for the initial snapshot; nothing else on clinical tables.
GRANT SELECT ON ehr.patients, ehr.encounters, ehr.notes TO ehrflow_cdc;
GRANT SELECT, UPDATE ON ehr.cdc_heartbeat TO ehrflow_cdc;

-- The heartbeat table is in the publication too: with pgoutput (PostgreSQL 15+ skips empty transactions) only
-- a published change lets Debezium see a new LSN and confirm it to the slot. It is not in
-- table.include.list, so its rows never reach Kafka.
CREATE PUBLICATION ehrflow_pub
    FOR TABLE ehr.patients, ehr.encounters, ehr.notes, ehr.cdc_heartbeat
    WITH (publish_via_partition_root = true);
