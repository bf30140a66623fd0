package org.ehrflow.normalizer.mapping.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ehrflow.normalizer.mapping.Fixtures.cdc;
import static org.ehrflow.normalizer.mapping.Fixtures.mapped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.junit.jupiter.api.Test;

/**
 * The capture is at-least-once: after a crash it re-emits the events since its last committed offset (same
 * source.lsn, same row images; only the envelope's own ts_ms differs), and a re-snapshot re-reads rows as op r.
 * These tests prove that such duplicates map to the same resource ids and content, so a sink that upserts by id
 * ends in the same state as without them.
 */
class CdcDuplicateConvergenceTest {

    private static final LinkLookup LINKS = CdcClinicalTablesTest.KNOWN;

    // One envelope per event; envelopeTs is the engine's processing time, which differs on re-emission.
    private static String event(String op, String table, String row, long lsn, long envelopeTs) {
        String before = op.equals("d") || op.equals("u") ? row : "null";
        String after = op.equals("d") ? "null" : row;
        return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"db\":\"ehr\",\"schema\":\"ehr\","
                + "\"table\":\"" + table + "\",\"lsn\":" + lsn + ",\"ts_ms\":1767225600000,\"snapshot\":\"false\"},"
                + "\"op\":\"" + op + "\",\"ts_ms\":" + envelopeTs + "}";
    }

    private static List<FhirRecord> map(String envelope) {
        return mapped(CdcClinicalTablesTest.MAPPER.map("ehr-patient:7", cdc(envelope), LINKS));
    }

    @Test
    void reEmittedEventMapsToTheIdenticalRecord() {
        String row = CdcClinicalTablesTest.lab("final", "182.0");
        FhirRecord first = map(event("c", "lab_results", row, 5000, 1767225600100L)).get(0);
        FhirRecord again = map(event("c", "lab_results", row, 5000, 1767225699999L)).get(0);
        assertThat(again.reference()).isEqualTo(first.reference());
        assertThat(again.versionId()).isEqualTo(first.versionId()); // source.lsn
        assertThat(again.resourceJson()).isEqualTo(first.resourceJson());
        assertThat(again.provenance().sourceMessageId()).isEqualTo(first.provenance().sourceMessageId());
    }

    @Test
    void streamWithCrashDuplicatesConvergesToTheSameState() {
        // c, u, d of a lab result, u of an order, c of an allergy, each at its own LSN
        List<String> stream = List.of(
                event("c", "lab_results", CdcClinicalTablesTest.lab("preliminary", "182.0"), 100, 1),
                event("u", "lab_results", CdcClinicalTablesTest.lab("corrected", "128.5"), 200, 2),
                event("c", "medication_orders", CdcClinicalTablesTest.order("active"), 300, 3),
                event("u", "medication_orders", CdcClinicalTablesTest.order("cancelled"), 400, 4),
                event("c", "allergies", CdcClinicalTablesTest.allergy("confirmed"), 500, 5),
                event("c", "diagnoses", CdcClinicalTablesTest.diagnosis("confirmed", "3"), 600, 6),
                event("d", "diagnoses", CdcClinicalTablesTest.diagnosis("confirmed", "3"), 700, 7));
        // A crash after event 5 was acknowledged but before the offset of event 3 was committed: 3..5 come again,
        // then the rest.
        List<String> withDuplicates = new ArrayList<>(stream.subList(0, 5));
        withDuplicates.addAll(stream.subList(2, 7));
        assertThat(sinkState(withDuplicates)).isEqualTo(sinkState(stream));
        assertThat(sinkState(stream)).containsKeys("Observation/cdc-lab-results-21",
                "MedicationRequest/cdc-medication-orders-31", "AllergyIntolerance/cdc-allergies-41")
                .doesNotContainKey("Condition/cdc-diagnoses-51");
    }

    @Test
    void reSnapshotOfAnUnchangedRowGivesTheSameResource() {
        String row = CdcClinicalTablesTest.allergy("confirmed");
        FhirRecord streamed = map(event("c", "allergies", row, 900, 1)).get(0);
        FhirRecord snapshot = map(event("r", "allergies", row, 1200, 2)).get(0);
        assertThat(snapshot.reference()).isEqualTo(streamed.reference());
        assertThat(snapshot.resourceJson()).isEqualTo(streamed.resourceJson());
    }

    // What a sink keyed by resource reference holds after applying records in order (upsert replaces, delete removes).
    private static Map<String, String> sinkState(List<String> envelopes) {
        Map<String, String> state = new LinkedHashMap<>();
        for (String env : envelopes) {
            for (FhirRecord r : map(env)) {
                if (r.op() == RecordOp.DELETE) {
                    state.remove(r.reference());
                } else {
                    state.put(r.reference(), r.resourceJson());
                }
            }
        }
        return state;
    }
}
