package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.PidIdentifiers;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.runtime.identity.IdentifierCandidate;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * PID -> Patient (V2-to-FHIR IG "PID[Patient]" where it speaks) and the patient key.
 *
 * <p>Key choice: {@code PatientKeyResolver.hl7PatientKey} over every PID-3 repetition (CX-4 authority, CX-5 type):
 * a configured key system, else the first repetition typed as a patient identifier or untyped (many feeds send the
 * MRN bare). An identifier without CX-4 belongs to the
 * sending facility (MSH-4, else MSH-3). PID-2 (pre-2.3 external id) is read only when PID-3 is empty. When those
 * tiers find nothing, the resolver's fallback tier also reads PID-2 and PID-4 (Epic's EPI) and the types European
 * feeds send without an MR (PK, CF); those identifiers are then listed on the Patient too.
 */
public final class PatientSegmentMapper {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    private static final CodeTable SEX = CodeTable.load("administrative-sex");

    private PatientSegmentMapper() {
    }

    /** The patient resource, or empty if PID names no usable identifier. Sets the context's patient. */
    public static Optional<Patient> map(Segment pid, Hl7Context ctx) {
        List<IdentifierCandidate> pid3 = candidates(pid, 3, ctx);
        List<IdentifierCandidate> candidates = pid3.isEmpty() ? candidates(pid, 2, ctx) : pid3;
        Optional<String> key = ctx.resolver().hl7PatientKey(candidates);
        if (key.isEmpty()) {
            List<IdentifierCandidate> alternates = alternates(pid, pid3, ctx);
            key = ctx.resolver().hl7PatientKey(candidates, alternates);
            candidates = new ArrayList<>(candidates);
            candidates.addAll(alternates);
        }
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Patient p = new Patient();
        p.setId(Ids.patient(key.get()));
        ctx.patient(key.get(), p.getIdElement().getIdPart());
        for (IdentifierCandidate c : candidates) {
            Identifier id = p.addIdentifier().setSystem(ctx.resolver().systemOf(c)).setValue(c.value()); // PID.3.1/3.4
            if (c.type() != null) {
                id.setType(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(V2_0203, c.type(), null)));
            }
        }
        names(pid, p);
        String birth = ctx.time().toDate(Hl7Fields.get(pid, 7)); // PID.7
        if (birth != null) {
            p.getBirthDateElement().setValueAsString(birth);
        }
        String gender = SEX.get(Hl7Fields.get(pid, 8)); // PID.8
        if (gender != null) {
            p.setGender(AdministrativeGender.fromCode(gender));
        }
        addresses(pid, p);
        telecom(pid, 13, ContactPoint.ContactPointUse.HOME, p);
        telecom(pid, 14, ContactPoint.ContactPointUse.WORK, p);
        return Optional.of(p);
    }

    /** The CX repetitions of {@code field}, read by the shared reader the listener keys with. */
    private static List<IdentifierCandidate> candidates(Segment s, int field, Hl7Context ctx) {
        return asCandidates(PidIdentifiers.field(s, field, ctx.header().defaultAuthority()));
    }

    static List<IdentifierCandidate> asCandidates(List<PidIdentifiers.Cx> cx) {
        return cx.stream().map(c -> new IdentifierCandidate(null, c.authority(), c.type(), c.value())).toList();
    }

    /** PID-2 (when PID-3 named a value) and PID-4: read by the fallback tier only. */
    private static List<IdentifierCandidate> alternates(Segment pid, List<IdentifierCandidate> pid3, Hl7Context ctx) {
        List<IdentifierCandidate> out = new ArrayList<>();
        if (!pid3.isEmpty()) {
            out.addAll(candidates(pid, 2, ctx));
        }
        out.addAll(candidates(pid, 4, ctx));
        return out;
    }

    /** The patient key of a CX list field (PID-3, MRG-1), by the same rule as the patient's. */
    static Optional<String> keyOf(Segment s, int field, Hl7Context ctx) {
        List<IdentifierCandidate> c = candidates(s, field, ctx);
        if (!(field == 3 && "PID".equals(s.getName()))) {
            return ctx.resolver().hl7PatientKey(c, List.of());
        }
        // The survivor of a merge is keyed exactly as map() keys the same PID.
        List<IdentifierCandidate> primary = c.isEmpty() ? candidates(s, 2, ctx) : c;
        return ctx.resolver().hl7PatientKey(primary, alternates(s, c, ctx));
    }

    private static void names(Segment pid, Patient p) {
        for (int r = 0; r < Hl7Fields.reps(pid, 5); r++) {
            String family = Hl7Fields.get(pid, 5, r, 1, 1); // PID.5.1
            String given = Hl7Fields.get(pid, 5, r, 2, 1); // PID.5.2
            if (family == null && given == null) {
                continue;
            }
            HumanName n = p.addName().setFamily(family);
            if (given != null) {
                n.addGiven(given);
            }
            String middle = Hl7Fields.get(pid, 5, r, 3, 1); // PID.5.3
            if (middle != null) {
                n.addGiven(middle);
            }
            String suffix = Hl7Fields.get(pid, 5, r, 4, 1); // PID.5.4
            if (suffix != null) {
                n.addSuffix(suffix);
            }
            String prefix = Hl7Fields.get(pid, 5, r, 5, 1); // PID.5.5
            if (prefix != null) {
                n.addPrefix(prefix);
            }
            if ("L".equals(Hl7Fields.get(pid, 5, r, 7, 1))) { // PID.5.7 legal name
                n.setUse(HumanName.NameUse.OFFICIAL);
            }
        }
    }

    private static void addresses(Segment pid, Patient p) {
        for (int r = 0; r < Hl7Fields.reps(pid, 11); r++) {
            Address a = new Address();
            String street = Hl7Fields.get(pid, 11, r, 1, 1); // PID.11.1
            String other = Hl7Fields.get(pid, 11, r, 2, 1); // PID.11.2
            if (street != null) {
                a.addLine(street);
            }
            if (other != null) {
                a.addLine(other);
            }
            a.setCity(Hl7Fields.get(pid, 11, r, 3, 1)); // PID.11.3
            a.setState(Hl7Fields.get(pid, 11, r, 4, 1)); // PID.11.4
            a.setPostalCode(Hl7Fields.get(pid, 11, r, 5, 1)); // PID.11.5
            a.setCountry(Hl7Fields.get(pid, 11, r, 6, 1)); // PID.11.6
            if (!a.isEmpty()) {
                p.addAddress(a);
            }
        }
    }

    private static void telecom(Segment pid, int field, ContactPoint.ContactPointUse use, Patient p) {
        for (int r = 0; r < Hl7Fields.reps(pid, field); r++) {
            String email = Hl7Fields.get(pid, field, r, 4, 1); // XTN.4
            String number = Hl7Fields.get(pid, field, r, 1, 1); // XTN.1
            if (number == null && Hl7Fields.get(pid, field, r, 7, 1) != null) { // XTN.6 area + XTN.7 local
                String area = Hl7Fields.get(pid, field, r, 6, 1);
                number = (area == null ? "" : area) + Hl7Fields.get(pid, field, r, 7, 1);
            }
            if (number != null) {
                p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(number).setUse(use);
            } else if (email != null) {
                p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email).setUse(use);
            }
        }
    }
}
