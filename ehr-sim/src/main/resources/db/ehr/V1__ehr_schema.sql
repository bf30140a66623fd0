-- The demo EHR's own tables: the system of record that cdc-capture reads through logical replication.
-- REPLICA IDENTITY FULL makes pgoutput carry the whole old row on UPDATE and DELETE, so a delete event
-- still names its patient_id (the raw topic key) and the normaliser sees what changed.

-- Schema ehr itself is created by Flyway (EhrSchema: createSchemas), which also keeps its history there.

CREATE TABLE ehr.patients (
    id          bigserial PRIMARY KEY,
    mrn         text NOT NULL UNIQUE,
    family_name text,
    given_name  text,
    birth_date  date,
    sex         text CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    phone       text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ehr.encounters (
    id           bigserial PRIMARY KEY,
    patient_id   bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    visit_number text UNIQUE,
    class        text CHECK (class IN ('inpatient', 'outpatient', 'emergency')),
    status       text CHECK (status IN ('in-progress', 'finished', 'cancelled')),
    reason       text,
    started_at   timestamptz,
    ended_at     timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX encounters_patient_idx ON ehr.encounters (patient_id);

CREATE TABLE ehr.notes (
    id           bigserial PRIMARY KEY,
    patient_id   bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    encounter_id bigint REFERENCES ehr.encounters (id) ON DELETE SET NULL,
    note_type    text NOT NULL,
    author       text,
    written_at   timestamptz,
    status       text NOT NULL CHECK (status IN ('final', 'amended', 'entered-in-error')),
    body         text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notes_patient_idx ON ehr.notes (patient_id);
CREATE INDEX notes_encounter_idx ON ehr.notes (encounter_id);

ALTER TABLE ehr.patients REPLICA IDENTITY FULL;
ALTER TABLE ehr.encounters REPLICA IDENTITY FULL;
ALTER TABLE ehr.notes REPLICA IDENTITY FULL;
