package org.ehrflow.normalizer.mapping.cdc;

import java.util.Optional;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.Links;
import org.ehrflow.normalizer.mapping.MappingResult;

/**
 * The learned links one patient-scoped clinical row needs: its patient key and, when the row names an
 * encounter, that encounter's FHIR id; or the first link still missing (the row then waits for it).
 *
 * @param patientKey  the patient key, null while waiting
 * @param encounterId the Encounter id, null when the row names none (or is a delete, which needs none)
 * @param waiting     the missing link, null when resolved
 */
record CdcRowLinks(String patientKey, String encounterId, MappingResult.AwaitingLink waiting) {

    /**
     * @param withEncounter whether the row's {@code encounter_id} must be resolved (not for deletes: a DELETE
     *                      needs only the resource id and the patient key)
     */
    static CdcRowLinks resolve(CdcEvent e, LinkLookup links, boolean withEncounter) {
        Long patientRow = e.number("patient_id");
        String patientLink = Links.ehrPatient(patientRow == null ? -1 : patientRow);
        Optional<String> key = links.find(patientLink);
        if (key.isEmpty()) {
            return new CdcRowLinks(null, null, new MappingResult.AwaitingLink(patientLink));
        }
        Long encounterRow = e.number("encounter_id");
        if (!withEncounter || encounterRow == null) {
            return new CdcRowLinks(key.get(), null, null);
        }
        Optional<String> enc = links.find(Links.ehrEncounter(encounterRow));
        if (enc.isEmpty()) {
            return new CdcRowLinks(null, null, new MappingResult.AwaitingLink(Links.ehrEncounter(encounterRow)));
        }
        return new CdcRowLinks(key.get(), enc.get(), null);
    }

    /** Deterministic id {@code "cdc-<table>-<row id>"}, underscores as hyphens (FHIR ids allow no '_'). */
    static String resourceId(CdcEvent e) {
        return "cdc-" + e.table().replace('_', '-') + "-" + e.number("id");
    }
}
