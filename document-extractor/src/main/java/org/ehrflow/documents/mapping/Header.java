package org.ehrflow.documents.mapping;

import java.util.Map;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Reference;

/**
 * The facts a chunk header needs about a document: its type, date and encounter, from the FHIR resource first
 * and the C-CDA header where the resource says nothing.
 *
 * @param noteType    type display, or null
 * @param date        yyyy-MM-dd, or null
 * @param encounterId encounter id, or null
 */
record Header(String noteType, String date, String encounterId) {

    static Header of(DocumentReference d, String encounterId) {
        String type = concept(d.getType());
        if (type == null && d.hasCategory()) {
            type = concept(d.getCategoryFirstRep());
        }
        String date = d.hasDate() ? day(d.getDateElement())
                : d.getContext().hasPeriod() && d.getContext().getPeriod().hasStart()
                        ? day(d.getContext().getPeriod().getStartElement()) : null;
        String enc = encounterId != null ? encounterId
                : d.getContext().hasEncounter() ? refId(d.getContext().getEncounterFirstRep()) : null;
        return new Header(type, date, enc);
    }

    static Header of(DiagnosticReport r, String encounterId) {
        String date = r.hasEffectiveDateTimeType() ? day(r.getEffectiveDateTimeType())
                : r.hasEffectivePeriod() && r.getEffectivePeriod().hasStart()
                        ? day(r.getEffectivePeriod().getStartElement())
                        : r.hasIssued() ? day(r.getIssuedElement()) : null;
        String enc = encounterId != null ? encounterId : r.hasEncounter() ? refId(r.getEncounter()) : null;
        return new Header(concept(r.getCode()), date, enc);
    }

    /** Gaps filled from a C-CDA header (title or document type, effectiveTime). */
    Header with(Map<String, String> md) {
        String type = noteType != null ? noteType
                : md.getOrDefault("ccda.title", md.get("ccda.documentType"));
        String d = date;
        String t = md.get("ccda.effectiveTime");
        if (d == null && t != null && t.length() >= 8 && t.substring(0, 8).chars().allMatch(Character::isDigit)) {
            d = t.substring(0, 4) + "-" + t.substring(4, 6) + "-" + t.substring(6, 8);
        }
        return new Header(type, d, encounterId);
    }

    private static String concept(CodeableConcept cc) {
        if (cc == null || cc.isEmpty()) {
            return null;
        }
        if (cc.hasText()) {
            return cc.getText();
        }
        for (Coding c : cc.getCoding()) {
            if (c.hasDisplay()) {
                return c.getDisplay();
            }
        }
        return cc.getCodingFirstRep().getCode();
    }

    private static String day(BaseDateTimeType t) {
        String s = t.getValueAsString();
        return s == null ? null : s.length() >= 10 ? s.substring(0, 10) : s;
    }

    private static String day(DateTimeType t) {
        return day((BaseDateTimeType) t);
    }

    private static String refId(Reference r) {
        if (r == null || !r.hasReference()) {
            return null;
        }
        String ref = r.getReference();
        return ref.startsWith("Encounter/") ? ref.substring("Encounter/".length()) : null;
    }
}
