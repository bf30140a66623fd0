package org.ehrflow.normalizer.mapping.cdc;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code ehr.lab_results} -> laboratory Observation "cdc-lab-results-&lt;id&gt;": LOINC code, valueQuantity (UCUM)
 * or valueString, reference range text, v3 interpretation from abnormal_flag, effective = collected_at, issued =
 * resulted_at. A correction replaces the resource (status corrected); entered-in-error and deletes become DELETE.
 */
final class CdcLabResultMapper {

    MappingResult map(CdcEvent e, LinkLookup links) {
        boolean delete = e.isDelete() || "entered-in-error".equals(e.text("status"));
        CdcRowLinks l = CdcRowLinks.resolve(e, links, !delete);
        if (l.waiting() != null) {
            return l.waiting();
        }
        String id = CdcRowLinks.resourceId(e);
        if (delete) {
            return MappingResult.Mapped.of(List.of(e.delete(l.patientKey(), "Observation", id, null)));
        }
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(status(e.text("status")));
        o.addCategory(new CodeableConcept().addCoding(
                new Coding(CdcCodes.OBSERVATION_CATEGORY, "laboratory", "Laboratory")));
        o.setCode(CdcCodes.concept(CdcCodes.LOINC, e.text("loinc_code"), e.text("test_name")));
        o.setSubject(new Reference("Patient/" + Ids.patient(l.patientKey())));
        if (l.encounterId() != null) {
            o.setEncounter(new Reference("Encounter/" + l.encounterId()));
        }
        o.setEffective(CdcCodes.dateTime(e, "collected_at"));
        String issued = CdcEncounterMapper.instant(e.text("resulted_at"));
        if (issued != null) {
            o.getIssuedElement().setValueAsString(issued);
        }
        BigDecimal value = e.decimal("value_numeric");
        String unit = e.text("unit");
        if (value != null) {
            Quantity q = new Quantity().setValue(value);
            if (unit != null) {
                q.setUnit(unit).setSystem(CdcCodes.UCUM).setCode(unit);
            }
            o.setValue(q);
        } else if (e.text("value_text") != null) {
            o.setValue(new StringType(e.text("value_text")));
        }
        String range = e.text("reference_range");
        if (range != null) {
            o.addReferenceRange().setText(range);
        }
        String flag = e.text("abnormal_flag");
        if (flag != null) {
            o.addInterpretation(new CodeableConcept().addCoding(new Coding(CdcCodes.INTERPRETATION, flag, null)));
        }
        return new MappingResult.Mapped(List.of(e.upsert(l.patientKey(), o, l.encounterId())), Map.of(), Map.of());
    }

    private static Observation.ObservationStatus status(String s) {
        if (s == null) {
            return Observation.ObservationStatus.UNKNOWN;
        }
        return switch (s) {
            case "preliminary" -> Observation.ObservationStatus.PRELIMINARY;
            case "final" -> Observation.ObservationStatus.FINAL;
            case "corrected" -> Observation.ObservationStatus.CORRECTED;
            default -> Observation.ObservationStatus.UNKNOWN;
        };
    }
}
