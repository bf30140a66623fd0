package org.ehrflow.normalizer.mapping.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Set;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;

/**
 * Debezium change events of the demo EHR schema ({@code ehr.patients}, {@code ehr.encounters}, {@code ehr.notes},
 * {@code ehr.lab_results}, {@code ehr.medication_orders}, {@code ehr.allergies}, {@code ehr.diagnoses};
 * JsonConverter without schemas) -> FHIR records. Encounters and notes need the patient key learned from the
 * patient's own events ("ehr-patient:&lt;id&gt;"), notes also their encounter's FHIR id ("ehr-encounter:&lt;id&gt;"); an
 * event whose link is unknown waits (snapshot order is not guaranteed).
 */
public final class HandWrittenCdcMapper implements RawMapper {

    private static final Set<String> OPS = Set.of("c", "u", "r", "d");

    private final CdcPatientMapper patients;
    private final CdcEncounterMapper encounters;
    private final CdcNoteMapper notes;
    private final CdcLabResultMapper labResults = new CdcLabResultMapper();
    private final CdcMedicationOrderMapper medicationOrders = new CdcMedicationOrderMapper();
    private final CdcAllergyMapper allergies = new CdcAllergyMapper();
    private final CdcDiagnosisMapper diagnoses = new CdcDiagnosisMapper();

    /**
     * @param mrnSystem       identifier system of {@code patients.mrn}
     * @param visitAuthority  HL7 assigning authority whose system {@code encounters.visit_number} belongs to
     */
    public HandWrittenCdcMapper(PatientKeyResolver resolver, String mrnSystem, String visitAuthority) {
        this.patients = new CdcPatientMapper(resolver, mrnSystem);
        this.encounters = new CdcEncounterMapper(resolver.systemForAuthority(visitAuthority));
        this.notes = new CdcNoteMapper();
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        JsonNode env;
        try {
            env = Json.MAPPER.readTree(raw.payload());
        } catch (IOException e) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_PARSE_ERROR, e);
        }
        if (env == null || !env.isObject()) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_INVALID_ENVELOPE);
        }
        String op = env.path("op").asText("");
        if (!OPS.contains(op)) {
            return MappingResult.Rejected.of(op.isEmpty() ? ReasonCodes.CDC_INVALID_ENVELOPE : ReasonCodes.CDC_UNSUPPORTED_OP);
        }
        JsonNode source = env.path("source");
        JsonNode row = env.get(op.equals("d") ? "before" : "after");
        if (row == null || !row.isObject() || !source.isObject() || !row.path("id").canConvertToLong()) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_INVALID_ENVELOPE);
        }
        CdcEvent event = new CdcEvent(op, row, source.path("schema").asText("ehr"), source.path("table").asText(""),
                source.path("lsn").asText(""), source.path("ts_ms").asLong(env.path("ts_ms").asLong()), raw,
                String.valueOf(row.path("id").asLong()));
        return switch (event.table()) {
            case "patients" -> patients.map(event);
            case "encounters" -> encounters.map(event, links);
            case "notes" -> notes.map(event, links);
            case "lab_results" -> labResults.map(event, links);
            case "medication_orders" -> medicationOrders.map(event, links);
            case "allergies" -> allergies.map(event, links);
            case "diagnoses" -> diagnoses.map(event, links);
            default -> MappingResult.Rejected.of(ReasonCodes.CDC_UNSUPPORTED_TABLE);
        };
    }
}
