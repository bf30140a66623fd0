-- The demo EHR (db/ehr, V1 and V3: the seven clinical tables) in MariaDB's dialect, mapped by the SAME
-- demo-ehr.yaml as on PostgreSQL: MariaDB has no schema level, so the database is named ehr and ehr.<table> names
-- the same tables. Types chosen so Debezium sends the values PostgreSQL's connector sends:
--   bigserial        -> bigint AUTO_INCREMENT (a number);
--   text             -> text, or varchar where a UNIQUE key needs a length (both "text" to the mapping);
--   timestamptz      -> timestamp(6): MariaDB's TIMESTAMP is an instant (stored in UTC), sent as ISO text with Z
--                       like timestamptz; NULL DEFAULT NULL, so no column gets MariaDB's implicit
--                       "ON UPDATE CURRENT_TIMESTAMP" (explicit_defaults_for_timestamp is off by default). Its range
--                       ends in 2038, as MariaDB's TIMESTAMP does;
--   double precision -> double; date -> date (epoch days on both).
-- No ON DELETE CASCADE: InnoDB applies cascades inside the engine and does not write them to the row-based binlog,
-- so a cascaded delete would never reach the capture. Delete the dependent rows explicitly (as EhrWriter does).
-- The binlog is row-based with full row images (server settings), so deletes carry the whole old row.
-- Statements are separated by ";" at line end (EhrMariaDb runs them one by one).
CREATE DATABASE IF NOT EXISTS ehr CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE ehr.patients (
    id          bigint AUTO_INCREMENT PRIMARY KEY,
    mrn         varchar(64) NOT NULL UNIQUE,
    family_name text,
    given_name  text,
    birth_date  date,
    sex         varchar(16) CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    phone       text,
    updated_at  timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE ehr.encounters (
    id           bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id   bigint NOT NULL,
    visit_number varchar(64) UNIQUE,
    class        varchar(16) CHECK (class IN ('inpatient', 'outpatient', 'emergency')),
    status       varchar(16) CHECK (status IN ('in-progress', 'finished', 'cancelled')),
    reason       text,
    started_at   timestamp(6) NULL DEFAULT NULL,
    ended_at     timestamp(6) NULL DEFAULT NULL,
    updated_at   timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id)
) ENGINE = InnoDB;

CREATE TABLE ehr.notes (
    id           bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id   bigint NOT NULL,
    encounter_id bigint,
    note_type    text NOT NULL,
    author       text,
    written_at   timestamp(6) NULL DEFAULT NULL,
    status       varchar(24) NOT NULL CHECK (status IN ('final', 'amended', 'entered-in-error')),
    body         mediumtext NOT NULL,
    updated_at   timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id),
    FOREIGN KEY (encounter_id) REFERENCES ehr.encounters (id)
) ENGINE = InnoDB;

CREATE TABLE ehr.lab_results (
    id              bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id      bigint NOT NULL,
    encounter_id    bigint,
    loinc_code      text NOT NULL,
    test_name       text NOT NULL,
    value_numeric   double,
    value_text      text,
    unit            text,
    reference_range text,
    abnormal_flag   varchar(4) CHECK (abnormal_flag IN ('N', 'L', 'H', 'LL', 'HH', 'A')),
    status          varchar(24) NOT NULL CHECK (status IN ('preliminary', 'final', 'corrected', 'entered-in-error')),
    collected_at    timestamp(6) NULL DEFAULT NULL,
    resulted_at     timestamp(6) NULL DEFAULT NULL,
    updated_at      timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id),
    FOREIGN KEY (encounter_id) REFERENCES ehr.encounters (id)
) ENGINE = InnoDB;

CREATE TABLE ehr.medication_orders (
    id              bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id      bigint NOT NULL,
    encounter_id    bigint,
    rxnorm_code     text,
    medication_name text NOT NULL,
    dose            text,
    route           text,
    frequency       text,
    status          varchar(24) NOT NULL CHECK (status IN ('active', 'on-hold', 'cancelled', 'completed', 'stopped',
                                                           'entered-in-error')),
    prescriber      text,
    ordered_at      timestamp(6) NULL DEFAULT NULL,
    updated_at      timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id),
    FOREIGN KEY (encounter_id) REFERENCES ehr.encounters (id)
) ENGINE = InnoDB;

CREATE TABLE ehr.allergies (
    id                  bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id          bigint NOT NULL,
    substance_code      text,
    substance           text NOT NULL,
    reaction            text,
    severity            varchar(16) CHECK (severity IN ('mild', 'moderate', 'severe')),
    criticality         varchar(24) CHECK (criticality IN ('low', 'high', 'unable-to-assess')),
    clinical_status     varchar(16) NOT NULL CHECK (clinical_status IN ('active', 'inactive', 'resolved')),
    verification_status varchar(24) NOT NULL CHECK (verification_status IN ('unconfirmed', 'confirmed', 'refuted',
                                                                            'entered-in-error')),
    recorded_at         timestamp(6) NULL DEFAULT NULL,
    updated_at          timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id)
) ENGINE = InnoDB;

CREATE TABLE ehr.diagnoses (
    id                  bigint AUTO_INCREMENT PRIMARY KEY,
    patient_id          bigint NOT NULL,
    encounter_id        bigint,
    icd10_code          text NOT NULL,
    description         text,
    category            varchar(24) NOT NULL CHECK (category IN ('encounter-diagnosis', 'problem-list-item')),
    clinical_status     varchar(16) NOT NULL CHECK (clinical_status IN ('active', 'recurrence', 'relapse',
                                                                        'inactive', 'remission', 'resolved')),
    verification_status varchar(24) NOT NULL CHECK (verification_status IN ('provisional', 'differential',
                                                                            'confirmed', 'refuted',
                                                                            'entered-in-error')),
    onset_date          date,
    recorded_at         timestamp(6) NULL DEFAULT NULL,
    updated_at          timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    FOREIGN KEY (patient_id) REFERENCES ehr.patients (id),
    FOREIGN KEY (encounter_id) REFERENCES ehr.encounters (id)
) ENGINE = InnoDB;

-- cdc-capture's heartbeat (heartbeat.action.query): a write every heartbeat interval moves the binlog position
-- on a quiet database. Not mapped, so its changes never reach Kafka.
CREATE TABLE ehr.cdc_heartbeat (
    id int PRIMARY KEY,
    ts datetime(6)
) ENGINE = InnoDB;
INSERT INTO ehr.cdc_heartbeat VALUES (1, NOW(6));
