-- A second, differently shaped EHR ("clinic"), mapped to FHIR by configuration only (cdc-mapping clinic-ehr.yaml):
-- other table and column names, composite keys, local codes, timestamps WITHOUT time zone (site local time), a
-- notes table whose bodies are RTF or HTML, soft-delete flags. REPLICA IDENTITY FULL as in the demo EHR.
CREATE SCHEMA IF NOT EXISTS clinic;

CREATE TABLE clinic.pat_master (
    pat_no    bigint PRIMARY KEY,
    hosp_no   varchar(20) NOT NULL UNIQUE,
    surname   varchar(80),
    forename  varchar(80),
    dob       date,
    gender_cd char(1) CHECK (gender_cd IN ('M', 'F', 'U'))
);

CREATE TABLE clinic.visit (
    site_cd       varchar(8) NOT NULL,
    visit_no      integer    NOT NULL,
    pat_no        bigint     NOT NULL REFERENCES clinic.pat_master (pat_no),
    visit_type_cd char(1)    CHECK (visit_type_cd IN ('I', 'O', 'E')),
    adm_dt        timestamp,
    dis_dt        timestamp,
    cancelled     boolean    NOT NULL DEFAULT false,
    PRIMARY KEY (site_cd, visit_no)
);

CREATE TABLE clinic.result (
    site_cd      varchar(8)  NOT NULL,
    accession    varchar(20) NOT NULL,
    seq          integer     NOT NULL,
    pat_no       bigint      NOT NULL REFERENCES clinic.pat_master (pat_no),
    visit_no     integer,
    test_cd      varchar(10) NOT NULL,          -- local code: GLU, HB, K, NA
    result_val   numeric(12, 4),
    result_units varchar(20),
    collected_dt timestamp,
    status_cd    char(1)     NOT NULL CHECK (status_cd IN ('P', 'F', 'C', 'X')),
    PRIMARY KEY (site_cd, accession, seq)
);

CREATE TABLE clinic.doc_note (
    note_guid   varchar(36) PRIMARY KEY,
    pat_no      bigint      NOT NULL REFERENCES clinic.pat_master (pat_no),
    site_cd     varchar(8),
    visit_no    integer,
    note_kind   varchar(40) NOT NULL,
    body        text        NOT NULL,           -- RTF ({\rtf1 ...}) or HTML, as the EHR's editor saved it
    authored_dt timestamp,
    is_deleted  boolean     NOT NULL DEFAULT false
);

ALTER TABLE clinic.pat_master REPLICA IDENTITY FULL;
ALTER TABLE clinic.visit REPLICA IDENTITY FULL;
ALTER TABLE clinic.result REPLICA IDENTITY FULL;
ALTER TABLE clinic.doc_note REPLICA IDENTITY FULL;
