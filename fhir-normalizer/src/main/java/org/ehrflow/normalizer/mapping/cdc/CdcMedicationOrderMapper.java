package org.ehrflow.normalizer.mapping.cdc;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code ehr.medication_orders} -> MedicationRequest "cdc-medication-orders-&lt;id&gt;" (intent order): RxNorm
 * medication, status as ordered (a cancelled order stays, status cancelled), dosage text "dose route frequency",
 * authoredOn = ordered_at, requester display = prescriber. entered-in-error and deletes become DELETE.
 */
final class CdcMedicationOrderMapper {

    MappingResult map(CdcEvent e, LinkLookup links) {
        String status = e.text("status");
        boolean delete = e.isDelete() || "entered-in-error".equals(status);
        CdcRowLinks l = CdcRowLinks.resolve(e, links, !delete);
        if (l.waiting() != null) {
            return l.waiting();
        }
        String id = CdcRowLinks.resourceId(e);
        if (delete) {
            return MappingResult.Mapped.of(List.of(e.delete(l.patientKey(), "MedicationRequest", id, null)));
        }
        MedicationRequest m = new MedicationRequest();
        m.setId(id);
        m.setStatus(status(status));
        m.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        m.setMedication(CdcCodes.concept(CdcCodes.RXNORM, e.text("rxnorm_code"), e.text("medication_name")));
        m.setSubject(new Reference("Patient/" + Ids.patient(l.patientKey())));
        if (l.encounterId() != null) {
            m.setEncounter(new Reference("Encounter/" + l.encounterId()));
        }
        String ordered = CdcEncounterMapper.instant(e.text("ordered_at"));
        if (ordered != null) {
            m.getAuthoredOnElement().setValueAsString(ordered);
        }
        if (e.text("prescriber") != null) {
            m.setRequester(new Reference().setDisplay(e.text("prescriber")));
        }
        String text = Stream.of(e.text("dose"), e.text("route"), e.text("frequency")).filter(Objects::nonNull)
                .collect(Collectors.joining(" "));
        if (!text.isEmpty()) {
            Dosage d = m.addDosageInstruction().setText(text);
            if (e.text("route") != null) {
                d.setRoute(new CodeableConcept().setText(e.text("route")));
            }
        }
        return new MappingResult.Mapped(List.of(e.upsert(l.patientKey(), m, l.encounterId())), Map.of(), Map.of());
    }

    private static MedicationRequest.MedicationRequestStatus status(String s) {
        try {
            return s == null ? MedicationRequest.MedicationRequestStatus.UNKNOWN
                    : MedicationRequest.MedicationRequestStatus.fromCode(s);
        } catch (org.hl7.fhir.exceptions.FHIRException ex) {
            return MedicationRequest.MedicationRequestStatus.UNKNOWN;
        }
    }
}
