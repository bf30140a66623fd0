-- The rest of a realistic EHR: lab results, medication orders, allergies and diagnoses. Same rules as V1:
-- every row names its patient_id (the raw topic key), encounter-bound rows their encounter_id, and every table
-- is REPLICA IDENTITY FULL so UPDATE and DELETE events carry the whole old row.
-- Numbers are double precision on purpose: Debezium's JSON for numeric is base64 bytes (decimal.handling.mode
-- precise); EngineProperties also sets decimal.handling.mode=string for numeric columns an EHR adds later.

CREATE TABLE ehr.lab_results (
    id              bigserial PRIMARY KEY,
    patient_id      bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    encounter_id    bigint REFERENCES ehr.encounters (id) ON DELETE SET NULL,
    loinc_code      text NOT NULL,                 -- e.g. 2345-7 (glucose)
    test_name       text NOT NULL,
    value_numeric   double precision,              -- numeric result, or null for a text result
    value_text      text,                          -- text result (e.g. 'negative')
    unit            text,                          -- UCUM, e.g. mg/dL
    reference_range text,                          -- as printed, e.g. 70-99
    abnormal_flag   text CHECK (abnormal_flag IN ('N', 'L', 'H', 'LL', 'HH', 'A')),
    status          text NOT NULL CHECK (status IN ('preliminary', 'final', 'corrected', 'entered-in-error')),
    collected_at    timestamptz,
    resulted_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lab_results_patient_idx ON ehr.lab_results (patient_id);

CREATE TABLE ehr.medication_orders (
    id              bigserial PRIMARY KEY,
    patient_id      bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    encounter_id    bigint REFERENCES ehr.encounters (id) ON DELETE SET NULL,
    rxnorm_code     text,                          -- RxNorm concept, e.g. 860975
    medication_name text NOT NULL,
    dose            text,                          -- e.g. 500 mg
    route           text,                          -- e.g. oral
    frequency       text,                          -- e.g. twice daily
    status          text NOT NULL CHECK (status IN ('active', 'on-hold', 'cancelled', 'completed', 'stopped',
                                                    'entered-in-error')),
    prescriber      text,
    ordered_at      timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX medication_orders_patient_idx ON ehr.medication_orders (patient_id);

-- Allergies belong to the patient, not to a visit: no encounter_id.
CREATE TABLE ehr.allergies (
    id                  bigserial PRIMARY KEY,
    patient_id          bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    substance_code      text,                      -- SNOMED CT substance, e.g. 764146007 (penicillin)
    substance           text NOT NULL,
    reaction            text,                      -- manifestation, e.g. hives
    severity            text CHECK (severity IN ('mild', 'moderate', 'severe')),
    criticality         text CHECK (criticality IN ('low', 'high', 'unable-to-assess')),
    clinical_status     text NOT NULL CHECK (clinical_status IN ('active', 'inactive', 'resolved')),
    verification_status text NOT NULL CHECK (verification_status IN ('unconfirmed', 'confirmed', 'refuted',
                                                                     'entered-in-error')),
    recorded_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allergies_patient_idx ON ehr.allergies (patient_id);

CREATE TABLE ehr.diagnoses (
    id                  bigserial PRIMARY KEY,
    patient_id          bigint NOT NULL REFERENCES ehr.patients (id) ON DELETE CASCADE,
    encounter_id        bigint REFERENCES ehr.encounters (id) ON DELETE SET NULL,
    icd10_code          text NOT NULL,             -- ICD-10-CM, e.g. E11.9
    description         text,
    category            text NOT NULL CHECK (category IN ('encounter-diagnosis', 'problem-list-item')),
    clinical_status     text NOT NULL CHECK (clinical_status IN ('active', 'recurrence', 'relapse', 'inactive',
                                                                 'remission', 'resolved')),
    verification_status text NOT NULL CHECK (verification_status IN ('provisional', 'differential', 'confirmed',
                                                                     'refuted', 'entered-in-error')),
    onset_date          date,
    recorded_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX diagnoses_patient_idx ON ehr.diagnoses (patient_id);

ALTER TABLE ehr.lab_results REPLICA IDENTITY FULL;
ALTER TABLE ehr.medication_orders REPLICA IDENTITY FULL;
ALTER TABLE ehr.allergies REPLICA IDENTITY FULL;
ALTER TABLE ehr.diagnoses REPLICA IDENTITY FULL;

-- Read-only for the capture role (initial and incremental snapshots), and published.
GRANT SELECT ON ehr.lab_results, ehr.medication_orders, ehr.allergies, ehr.diagnoses TO ehrflow_cdc;
ALTER PUBLICATION ehrflow_pub ADD TABLE ehr.lab_results, ehr.medication_orders, ehr.allergies, ehr.diagnoses;
