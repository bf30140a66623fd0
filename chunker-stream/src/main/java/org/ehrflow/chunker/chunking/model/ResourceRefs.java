package org.ehrflow.chunker.chunking.model;

import java.util.Objects;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Facts read from any resource type: its encounter reference and whether it was entered in error. */
public final class ResourceRefs {

    private static final String ENTERED_IN_ERROR = "entered-in-error";

    private ResourceRefs() {
    }

    /** The id of the encounter {@code r} belongs to (an Encounter belongs to itself), or null. */
    public static String encounterId(Resource r) {
        if (r instanceof Encounter) {
            return r.getIdElement().getIdPart();
        }
        if (r instanceof DocumentReference d) {
            return d.getContext().getEncounter().stream().map(ResourceRefs::idOf)
                    .filter(Objects::nonNull).findFirst().orElse(null);
        }
        for (String name : new String[] {"encounter", "context"}) {
            Property p = r.getNamedProperty(name);
            if (p != null && p.hasValues() && p.getValues().get(0) instanceof Reference ref) {
                String id = idOf(ref);
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }

    /** The logical id a reference points at ("Encounter/42" and "urn:uuid:42" give "42"), or null. */
    public static String idOf(Reference ref) {
        if (ref == null || !ref.hasReference() || ref.getReference().startsWith("#")) {
            return null;
        }
        String s = ref.getReference();
        if (s.startsWith("urn:uuid:") || s.startsWith("urn:oid:")) {
            return s.substring(s.lastIndexOf(':') + 1);
        }
        String id = ref.getReferenceElement().getIdPart();
        return id == null || id.isBlank() || id.contains("?") ? null : id;
    }

    /**
     * When {@code r} happened, as a UTC instant string for ordering an encounter's facts (effective, onset,
     * performed, occurrence, authoredOn, period, recordedDate, issued, date: the first present), or null.
     */
    public static String clinicalTime(Resource r) {
        for (String name : new String[] {"effective", "onset", "performed", "occurrence", "authoredOn", "period",
            "recordedDate", "issued", "date"}) {
            Property p = r.getNamedProperty(name);
            if (p == null || !p.hasValues()) {
                continue;
            }
            Base v = p.getValues().get(0);
            if (v instanceof org.hl7.fhir.r4.model.Period period) {
                v = period.hasStart() ? period.getStartElement() : period.getEndElement();
            }
            if (v instanceof org.hl7.fhir.r4.model.BaseDateTimeType dt && dt.getValue() != null) {
                return dt.getValue().toInstant().toString();
            }
        }
        return null;
    }

    /** Whether {@code r}'s status or verification status says it was entered in error (a retraction). */
    public static boolean enteredInError(Resource r) {
        return codeIs(r.getNamedProperty("status"), ENTERED_IN_ERROR)
                || codeIs(r.getNamedProperty("verificationStatus"), ENTERED_IN_ERROR);
    }

    /**
     * Whether {@code r} says it no longer stands for anything that happened: entered in error, cancelled
     * (Encounter, Observation, MedicationRequest, ...), or a Procedure/Immunization that was not done. Its chunks
     * are retracted.
     */
    public static boolean retracted(Resource r) {
        Property status = r.getNamedProperty("status");
        return enteredInError(r) || codeIs(status, "cancelled") || codeIs(status, "not-done");
    }

    private static boolean codeIs(Property p, String code) {
        if (p == null || !p.hasValues()) {
            return false;
        }
        Base v = p.getValues().get(0);
        if (v instanceof PrimitiveType<?> prim) {
            return code.equals(prim.getValueAsString());
        }
        if (v instanceof CodeableConcept cc) {
            return cc.getCoding().stream().anyMatch(c -> code.equals(c.getCode()));
        }
        return false;
    }
}
