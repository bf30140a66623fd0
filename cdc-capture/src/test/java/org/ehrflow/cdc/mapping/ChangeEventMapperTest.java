package org.ehrflow.cdc.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.ehrflow.cdc.error.ReasonCodes;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;
import org.ehrflow.cdcmap.MappingLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeEventMapperTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:06Z");
    private final ChangeEventMapper mapper = new ChangeEventMapper();

    /** A Debezium envelope (schemas disabled) with the given row images; values are synthetic. */
    static String envelope(String table, String op, String before, String after) {
        return """
                {"before":%s,"after":%s,
                 "source":{"version":"3.0.8.Final","connector":"postgresql","name":"ehrdb","ts_ms":1767323045123,
                           "snapshot":"false","db":"ehr","schema":"ehr","table":"%s","txId":771,"lsn":24023128},
                 "op":"%s","ts_ms":1767323045200}""".formatted(before, after, table, op);
    }

    @Test
    void noteInsertIsKeyedByItsPatient() {
        String json = envelope("notes", "c", "null",
                """
                {"id":7,"patient_id":42,"encounter_id":null,"note_type":"Progress note","status":"final",
                 "body":"Synthetic text.","written_at":"2026-01-02T03:04:05.123456Z"}""");

        MappingResult.Mapped m = (MappingResult.Mapped) mapper.map("ehrdb.ehr.notes", json, NOW);

        assertThat(m.key()).isEqualTo("ehr-patient:42");                            // notes.patient_id
        assertThat(m.table()).isEqualTo("ehr.notes");
        assertThat(m.op()).isEqualTo("c");
        RawMessage raw = m.value();
        assertThat(raw.contentType()).isEqualTo(RawMessage.ContentType.DEBEZIUM_JSON);
        assertThat(raw.payload()).isEqualTo(json);                                     // the event, untouched
        assertThat(raw.provenance().sourceType()).isEqualTo(SourceType.CDC);
        assertThat(raw.provenance().sourceSystem()).isEqualTo("ehr-db");
        assertThat(raw.provenance().sourceMessageId()).isEqualTo("ehr.notes:24023128:7"); // schema.table:lsn:row id
        assertThat(raw.provenance().eventTime()).isEqualTo(Instant.ofEpochMilli(1767323045123L)); // source.ts_ms
        assertThat(raw.provenance().ingestTime()).isEqualTo(NOW);
        byte[] bytes = Topics.RAW_CDC.valueSerde().serializer().serialize(Topics.RAW_CDC.name(), raw);
        assertThat(SchemaValidator.problems(Topics.RAW_CDC, bytes)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"lab_results", "medication_orders", "allergies", "diagnoses"})
    void clinicalTablesAreKeyedByPatientId(String table) {
        // the V3 tables: row id 9 of patient 42; deletes from the old image
        MappingResult.Mapped c = (MappingResult.Mapped) mapper.map("ehrdb.ehr." + table,
                envelope(table, "c", "null", "{\"id\":9,\"patient_id\":42}"), NOW);
        MappingResult.Mapped d = (MappingResult.Mapped) mapper.map("ehrdb.ehr." + table,
                envelope(table, "d", "{\"id\":9,\"patient_id\":42}", "null"), NOW);
        assertThat(c.key()).isEqualTo("ehr-patient:42");
        assertThat(d.key()).isEqualTo("ehr-patient:42");
        assertThat(c.value().provenance().sourceMessageId()).isEqualTo("ehr." + table + ":24023128:9");
    }

    @Test
    void signalTableRowsAreNeverPublished() {
        // Debezium's signal table is captured (so the connector sees signals) but is not EHR data
        assertThat(mapper.map("ehrdb.ehr.debezium_signal", envelope("debezium_signal", "c", "null",
                "{\"id\":\"snap-1\",\"type\":\"execute-snapshot\",\"data\":\"{}\"}"), NOW))
                .isEqualTo(new MappingResult.Skipped("signal"));
    }

    @Test
    void deleteIsKeyedFromTheOldRowImage() {
        // REPLICA IDENTITY FULL: before holds the whole row, after is null
        String json = envelope("notes", "d", "{\"id\":7,\"patient_id\":42,\"body\":\"x\"}", "null");

        MappingResult.Mapped m = (MappingResult.Mapped) mapper.map("ehrdb.ehr.notes", json, NOW);

        assertThat(m.key()).isEqualTo("ehr-patient:42");
        assertThat(m.op()).isEqualTo("d");
        assertThat(m.value().provenance().sourceMessageId()).endsWith(":7");
    }

    @ParameterizedTest
    @CsvSource({
        // table, op, row image, expected key
        "patients, r, '{\"id\":5,\"mrn\":\"MRN-SYN-5\"}', ehr-patient:5",           // patients: its own id
        "encounters, u, '{\"id\":9,\"patient_id\":5}', ehr-patient:5",               // encounters.patient_id
        "notes, c, '{\"id\":1,\"patient_id\":\"6\"}', ehr-patient:6",                // numeric text tolerated
    })
    void everyTableIsKeyedByPatient(String table, String op, String row, String key) {
        MappingResult r = mapper.map("ehrdb.ehr." + table, envelope(table, op, "null", row), NOW);
        assertThat(r).isInstanceOfSatisfying(MappingResult.Mapped.class, m -> assertThat(m.key()).isEqualTo(key));
    }

    @Test
    void heartbeatsAndTombstonesAreSkipped() {
        assertThat(mapper.map("__debezium-heartbeat.ehrdb", "{\"ts_ms\":1}", NOW))
                .isEqualTo(new MappingResult.Skipped("heartbeat"));
        assertThat(mapper.map("ehrdb.ehr.notes", null, NOW)).isEqualTo(new MappingResult.Skipped("tombstone"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // destination | value | reason
        "ehrdb.ehr.notes | not json at all | CDC_NOT_JSON",
        "ehrdb.ehr.notes | [1,2] | CDC_NOT_JSON",
        "ehrdb.ehr.notes | {\"op\":\"c\",\"after\":{\"id\":1}} | CDC_NO_SOURCE",
    })
    void unreadableEventsAreRejected(String destination, String value, String reason) {
        assertThat(mapper.map(destination, value, NOW)).isInstanceOfSatisfying(MappingResult.Rejected.class,
                r -> assertThat(r.reasonCode()).isEqualTo(reason));
    }

    @Test
    void unkeyableEventsAreRejectedWithTheirSourceId() {
        MappingResult noPatient = mapper.map("ehrdb.ehr.notes",
                envelope("notes", "c", "null", "{\"id\":3,\"patient_id\":null}"), NOW);
        assertThat(noPatient).isEqualTo(new MappingResult.Rejected(ReasonCodes.CDC_NO_PATIENT_ID,
                "ehr.notes:24023128:3"));

        MappingResult unknown = mapper.map("ehrdb.ehr.orders",
                envelope("orders", "c", "null", "{\"id\":3,\"patient_id\":1}"), NOW);
        assertThat(unknown).extracting(r -> ((MappingResult.Rejected) r).reasonCode())
                .isEqualTo(ReasonCodes.CDC_UNKNOWN_TABLE);

        MappingResult truncate = mapper.map("ehrdb.ehr.notes", envelope("notes", "t", "null", "null"), NOW);
        assertThat(truncate).extracting(r -> ((MappingResult.Rejected) r).reasonCode())
                .isEqualTo(ReasonCodes.CDC_UNKNOWN_OP);

        MappingResult noRowId = mapper.map("ehrdb.ehr.notes",
                envelope("notes", "u", "null", "{\"patient_id\":1}"), NOW);
        assertThat(noRowId).extracting(r -> ((MappingResult.Rejected) r).reasonCode())
                .isEqualTo(ReasonCodes.CDC_NO_ROW_ID);
    }

    @Test
    void rejectionsNeverQuoteRowValues() {
        String json = envelope("notes", "c", "null", "{\"id\":3,\"body\":\"SENTINEL-DOE\"}");
        MappingResult.Rejected r = (MappingResult.Rejected) mapper.map("ehrdb.ehr.notes", json, NOW);
        assertThat(r.sourceMessageId()).isEqualTo("ehr.notes:24023128:3");
        assertThat(r.toString()).doesNotContain("SENTINEL");
    }

    @Test
    void mariaDbEventsNameTheDatabaseAsSchemaAndTheBinlogPosition() {
        // The MySQL connector's source block: no schema and no LSN, but db, binlog file, offset and row.
        ChangeEventMapper clinic = new ChangeEventMapper(CaptureTables.of(
                MappingLoader.load("classpath:org/ehrflow/cdcmap/clinic-ehr.yaml", null)));
        String json = """
                {"before":null,"after":{"site_cd":"NORTH","accession":"A1","seq":2,"pat_no":5,"test_cd":"GLU"},
                 "source":{"version":"3.6.1.Final","connector":"mysql","name":"ehrdb","ts_ms":1767323045000,
                           "snapshot":"false","db":"clinic","table":"result","server_id":1,"gtid":null,
                           "file":"binlog.000002","pos":4711,"row":1,"thread":9},
                 "op":"c","ts_ms":1767323045200}""";

        MappingResult.Mapped m = (MappingResult.Mapped) clinic.map("ehrdb.clinic.result", json, NOW);

        assertThat(m.key()).isEqualTo("clinic-patient:5");
        assertThat(m.table()).isEqualTo("clinic.result");
        assertThat(m.value().provenance().sourceMessageId()).isEqualTo("clinic.result:binlog.000002/4711/1:NORTH|A1|2");
    }
}
