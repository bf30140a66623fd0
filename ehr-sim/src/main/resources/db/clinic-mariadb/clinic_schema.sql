-- The second demo EHR ("clinic", db/clinic) in MariaDB's dialect, mapped by the SAME clinic-ehr.yaml: MariaDB has
-- no schema level, so the database is named clinic and clinic.<table> names the same tables. Types chosen so
-- Debezium sends the values PostgreSQL's connector sends: DATETIME(6) = timestamp without time zone (epoch
-- microseconds), BOOLEAN (tinyint(1), sent as true/false by the capture's converter), DECIMAL = numeric (text).
-- The binlog is row-based with full row images (server settings), so deletes carry the whole old row.
-- Statements are separated by ";" at line end (ClinicMariaDb runs them one by one).
CREATE DATABASE IF NOT EXISTS clinic CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE clinic.pat_master (
    pat_no    bigint PRIMARY KEY,
    hosp_no   varchar(20) NOT NULL UNIQUE,
    surname   varchar(80),
    forename  varchar(80),
    dob       date,
    gender_cd char(1) CHECK (gender_cd IN ('M', 'F', 'U'))
) ENGINE = InnoDB;

CREATE TABLE clinic.visit (
    site_cd       varchar(8)  NOT NULL,
    visit_no      integer     NOT NULL,
    pat_no        bigint      NOT NULL REFERENCES clinic.pat_master (pat_no),
    visit_type_cd char(1)     CHECK (visit_type_cd IN ('I', 'O', 'E')),
    adm_dt        datetime(6),
    dis_dt        datetime(6),
    cancelled     boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (site_cd, visit_no)
) ENGINE = InnoDB;

CREATE TABLE clinic.result (
    site_cd      varchar(8)     NOT NULL,
    accession    varchar(20)    NOT NULL,
    seq          integer        NOT NULL,
    pat_no       bigint         NOT NULL REFERENCES clinic.pat_master (pat_no),
    visit_no     integer,
    test_cd      varchar(10)    NOT NULL,
    result_val   decimal(12, 4),
    result_units varchar(20),
    collected_dt datetime(6),
    status_cd    char(1)        NOT NULL CHECK (status_cd IN ('P', 'F', 'C', 'X')),
    PRIMARY KEY (site_cd, accession, seq)
) ENGINE = InnoDB;

CREATE TABLE clinic.doc_note (
    note_guid   varchar(36) PRIMARY KEY,
    pat_no      bigint      NOT NULL REFERENCES clinic.pat_master (pat_no),
    site_cd     varchar(8),
    visit_no    integer,
    note_kind   varchar(40) NOT NULL,
    body        mediumtext  NOT NULL,
    authored_dt datetime(6),
    is_deleted  boolean     NOT NULL DEFAULT false
) ENGINE = InnoDB;

-- cdc-capture's heartbeat (heartbeat.action.query): a write every heartbeat interval moves the binlog position
-- on a quiet database. Not mapped, so its changes never reach Kafka.
CREATE TABLE clinic.cdc_heartbeat (
    id int PRIMARY KEY,
    ts datetime(6)
) ENGINE = InnoDB;
INSERT INTO clinic.cdc_heartbeat VALUES (1, NOW(6));
