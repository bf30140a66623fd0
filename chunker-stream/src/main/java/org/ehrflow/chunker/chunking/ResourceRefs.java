package org.ehrflow.chunker.chunking;

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
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
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

    /** Whether {@code r}'s status or verification status says it was entered in error (a retraction). */
    public static boolean enteredInError(Resource r) {
        return codeIs(r.getNamedProperty("status")) || codeIs(r.getNamedProperty("verificationStatus"));
    }

    private static boolean codeIs(Property p) {
        if (p == null || !p.hasValues()) {
            return false;
        }
        Base v = p.getValues().get(0);
        if (v instanceof PrimitiveType<?> prim) {
            return ENTERED_IN_ERROR.equals(prim.getValueAsString());
        }
        if (v instanceof CodeableConcept cc) {
            return cc.getCoding().stream().anyMatch(c -> ENTERED_IN_ERROR.equals(c.getCode()));
        }
        return false;
    }
}
