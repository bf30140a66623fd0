package org.ehrflow.chunker.chunking.aggregate;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Names and identifiers a Patient (incl. its contacts), RelatedPerson or Practitioner resource makes known, so
 * PHI detection can find them in the same patient's notes. Pure.
 */
public final class IdentityReader {

    private IdentityReader() {
    }

    /** Whether {@code resourceType} makes names known. */
    public static boolean isIdentity(String resourceType) {
        return Set.of("Patient", "RelatedPerson", "Practitioner").contains(resourceType);
    }

    /** What {@code r} makes known; {@link KnownPhi#NONE} for other types. */
    public static KnownPhi read(Resource r) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        if (r instanceof Patient p) {
            p.getName().forEach(n -> addName(names, n));
            p.getContact().forEach(c -> {
                addName(names, c.getName());
                addTelecom(ids, c.getTelecom());
            });
            addIdentifiers(ids, p.getIdentifier());
            addTelecom(ids, p.getTelecom());
        } else if (r instanceof RelatedPerson rp) {
            rp.getName().forEach(n -> addName(names, n));
            addIdentifiers(ids, rp.getIdentifier());
            addTelecom(ids, rp.getTelecom());
        } else if (r instanceof Practitioner pr) {
            pr.getName().forEach(n -> addName(names, n));
            addIdentifiers(ids, pr.getIdentifier());
        } else {
            return KnownPhi.NONE;
        }
        return new KnownPhi(names, ids);
    }

    private static void addName(Set<String> out, HumanName n) {
        if (n == null) {
            return;
        }
        addPart(out, n.getFamily());
        n.getGiven().stream().map(StringType::getValue).forEach(g -> addPart(out, g));
        addPart(out, n.getText());
    }

    private static void addPart(Set<String> out, String s) {
        if (s != null && !s.isBlank()) {
            out.add(s.strip());
        }
    }

    private static void addIdentifiers(Set<String> out, List<Identifier> ids) {
        ids.forEach(i -> addPart(out, i.getValue()));
    }

    private static void addTelecom(Set<String> out, List<ContactPoint> telecom) {
        telecom.forEach(t -> addPart(out, t.getValue()));
    }
}
