package org.ehrflow.normalizer.mapping.fhir;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import java.util.Map;
import org.ehrflow.normalizer.mapping.FhirJson;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Reading and rewriting the references of a resource, by element name so one code path serves every type. */
final class FhirReferences {

    private FhirReferences() {
    }

    /** Every Reference element of the resource (nested ones included, contained resources excluded). */
    static List<Reference> all(Resource r) {
        FhirTerser terser = FhirJson.context().newTerser();
        return terser.getAllPopulatedChildElementsOfType(r, Reference.class);
    }

    /** Rewrites references found in {@code targets} (e.g. "urn:uuid:x" -> "Encounter/x"). */
    static void rewrite(Resource r, Map<String, String> targets) {
        for (Reference ref : all(r)) {
            String to = ref.hasReference() ? targets.get(ref.getReference()) : null;
            if (to != null) {
                ref.setReference(to);
            }
        }
    }

    /** The value of a top-level Reference element named {@code child} (e.g. subject), or null. */
    static Reference child(Resource r, String... path) {
        RuntimeResourceDefinition def = FhirJson.context().getResourceDefinition(r);
        if (def.getChildByName(path[0]) == null) {
            return null;
        }
        FhirTerser terser = FhirJson.context().newTerser();
        List<Reference> refs = terser.getValues(r, String.join(".", path), Reference.class);
        return refs.isEmpty() || !refs.get(0).hasReference() ? null : refs.get(0);
    }

    /** The string value of a top-level primitive element (e.g. status), or null. */
    static String primitive(Resource r, String child) {
        RuntimeResourceDefinition def = FhirJson.context().getResourceDefinition(r);
        if (def.getChildByName(child) == null) {
            return null;
        }
        return FhirJson.context().newTerser().getSinglePrimitiveValueOrNull(r, child);
    }

    /** "Patient/x", ".../Patient/x/_history/2" -> "x" when the type matches, else null. */
    static String idOf(String reference, String type) {
        if (reference == null) {
            return null;
        }
        String[] parts = reference.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (parts[i].equals(type)) {
                return parts[i + 1];
            }
        }
        return null;
    }
}
