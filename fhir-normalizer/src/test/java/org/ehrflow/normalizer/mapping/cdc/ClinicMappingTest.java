package org.ehrflow.normalizer.mapping.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;
import static org.ehrflow.normalizer.mapping.Fixtures.json;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;

/**
 * The second EHR schema (ehr-sim db/clinic, cdc-mapping clinic-ehr.yaml) mapped by configuration only, from
 * Debezium-shaped events: composite keys, local codes, timestamps without time zone in the site zone
 * (Europe/Berlin), RTF and HTML note bodies, soft deletes, entered-in-error, a reference through a composite key.
 */
class ClinicMappingTest {

    static final CdcMapper MAPPER = new CdcMapper(PatientKeyResolver.defaults(),
            "classpath:org/ehrflow/cdcmap/clinic-ehr.yaml", PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR",
            ZoneId.of("Europe/Berlin"));
    static final String KEY = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "H-77");

    final Map<String, String> links = new HashMap<>();

    static String envelope(String op, String table, String row) {
        return "{\"before\":" + (op.equals("d") ? row : "null") + ",\"after\":" + (op.equals("d") ? "null" : row)
                + ",\"source\":{\"schema\":\"clinic\",\"table\":\"" + table + "\",\"lsn\":99,\"ts_ms\":1767225600000},"
                + "\"op\":\"" + op + "\",\"ts_ms\":1767225600500}";
    }

    /** Debezium MicroTimestamp of a local date-time (timestamp without time zone). */
    static long micros(String local) {
        return LocalDateTime.parse(local).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    }

    MappingResult map(String op, String table, String row) {
        MappingResult r = MAPPER.map("clinic-patient:5", cdc(envelope(op, table, row)), Fixtures.links(links));
        if (r instanceof MappingResult.Mapped m) {
            links.putAll(m.learned());
        }
        return r;
    }

    @Test
    void insertUpdateDeleteAndSoftDeleteThroughToFhir() {
        FhirRecord p = mapped(map("r", "pat_master", "{\"pat_no\":5,\"hosp_no\":\"H-77\",\"surname\":\"Muster\","
                + "\"forename\":\"Erika\",\"dob\":3700,\"gender_cd\":\"F\"}")).get(0);
        assertThat(p.patientKey()).isEqualTo(KEY); // the same key HL7 PID-3 H-77^^^HOSP^MR gives
        assertThat(json(p).at("/gender").asText()).isEqualTo("female");

        String visit = "{\"site_cd\":\"NORTH\",\"visit_no\":12,\"pat_no\":5,\"visit_type_cd\":\"E\","
                + "\"adm_dt\":" + micros("2026-03-29T01:30:00") + ",\"dis_dt\":null,\"cancelled\":false}";
        FhirRecord enc = mapped(map("c", "visit", visit)).get(0);
        assertThat(enc.resourceId()).isEqualTo("clinic-enc-NORTH-12");
        assertThat(enc.provenance().sourceMessageId()).isEqualTo("clinic.visit:99:NORTH|12"); // composite key
        JsonNode e = json(enc);
        assertThat(e.at("/class/code").asText()).isEqualTo("EMER");
        assertThat(e.at("/status").asText()).isEqualTo("in-progress");
        assertThat(e.at("/period/start").asText()).isEqualTo("2026-03-29T00:30:00Z"); // CET, before the DST switch

        String result = "{\"site_cd\":\"NORTH\",\"accession\":\"A1\",\"seq\":2,\"pat_no\":5,\"visit_no\":12,"
                + "\"test_cd\":\"GLU\",\"result_val\":\"5.40\",\"result_units\":\"mmol/L\",\"collected_dt\":"
                + micros("2026-07-01T08:00:00") + ",\"status_cd\":\"%s\"}";
        FhirRecord obs = mapped(map("c", "result", result.formatted("P"))).get(0);
        assertThat(obs.resourceId()).isEqualTo("clinic-obs-NORTH-A1-2");
        assertThat(obs.encounterId()).isEqualTo("clinic-enc-NORTH-12"); // reference through the composite key
        JsonNode o = json(obs);
        assertThat(o.at("/code/coding/0/code").asText()).isEqualTo("2345-7"); // local GLU -> LOINC
        assertThat(o.at("/status").asText()).isEqualTo("preliminary");
        assertThat(o.at("/effectiveDateTime").asText()).isEqualTo("2026-07-01T06:00:00Z"); // CEST
        assertThat(o.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("5.40");
        // update: corrected, same id
        assertThat(json(mapped(map("u", "result", result.formatted("C"))).get(0)).at("/status").asText())
                .isEqualTo("corrected");
        // entered in error (X) and a real delete: DELETE records
        assertThat(mapped(map("u", "result", result.formatted("X"))).get(0).op()).isEqualTo(RecordOp.DELETE);
        assertThat(mapped(map("d", "result", result.formatted("F"))).get(0).op()).isEqualTo(RecordOp.DELETE);

        String rtf = "{\\\\rtf1\\\\ansi{\\\\fonttbl{\\\\f0 Arial;}}\\\\f0 Patient seen.\\\\par Plan: r\\\\'e9view.}";
        String note = "{\"note_guid\":\"%s\",\"pat_no\":5,\"site_cd\":\"NORTH\",\"visit_no\":12,"
                + "\"note_kind\":\"Clinic letter\",\"body\":\"%s\",\"authored_dt\":" + micros("2026-07-01T09:15:00")
                + ",\"is_deleted\":%s}";
        FhirRecord n1 = mapped(map("c", "doc_note", note.formatted("g-1", rtf, "false"))).get(0);
        assertThat(text(n1)).isEqualTo("Patient seen.\nPlan: r\u00e9view.");
        assertThat(json(n1).at("/date").asText()).isEqualTo("2026-07-01T07:15:00Z");
        assertThat(json(n1).at("/context/encounter/0/reference").asText()).isEqualTo("Encounter/clinic-enc-NORTH-12");
        FhirRecord n2 = mapped(map("c", "doc_note", note.formatted("g-2",
                "<p>BP 120/80 &amp; stable</p><p>Review in 2 weeks</p>", "false"))).get(0);
        assertThat(text(n2)).isEqualTo("BP 120/80 & stable\nReview in 2 weeks");
        // soft delete: the flag set -> DELETE of the same id
        FhirRecord soft = mapped(map("u", "doc_note", note.formatted("g-2", "<p>x</p>", "true"))).get(0);
        assertThat(soft.op()).isEqualTo(RecordOp.DELETE);
        assertThat(soft.resourceId()).isEqualTo("clinic-note-g-2");
        // a cancelled visit is a soft delete of the Encounter
        assertThat(mapped(map("u", "visit", visit.replace("\"cancelled\":false", "\"cancelled\":true"))).get(0).op())
                .isEqualTo(RecordOp.DELETE);
    }

    private static String text(FhirRecord r) {
        return new String(Base64.getDecoder().decode(json(r).at("/content/0/attachment/data").asText()),
                StandardCharsets.UTF_8);
    }
}
