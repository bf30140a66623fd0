package org.ehrflow.normalizer.mapping.hl7;

import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * NK1 -> Patient.contact (V2-to-FHIR IG "NK1[Patient]": name NK1-2, relationship NK1-3 in v2-0063, address NK1-4,
 * phone NK1-5) and PD1 -> Patient.generalPractitioner (PD1-4 primary care provider, as display).
 */
final class PatientExtras {

    private static final String V2_0063 = "http://terminology.hl7.org/CodeSystem/v2-0063";

    private PatientExtras() {
    }

    static void apply(Patient p, Hl7Context ctx) {
        for (Segment nk1 : ctx.all("NK1")) {
            ctx.use(nk1);
            Patient.ContactComponent c = new Patient.ContactComponent();
            String family = Hl7Fields.get(nk1, 2, 0, 1, 1); // NK1.2.1
            String given = Hl7Fields.get(nk1, 2, 0, 2, 1); // NK1.2.2
            if (family != null || given != null) {
                HumanName n = new HumanName().setFamily(family);
                if (given != null) {
                    n.addGiven(given);
                }
                c.setName(n);
            }
            String rel = Hl7Fields.get(nk1, 3, 0, 1, 1); // NK1.3.1
            if (rel != null) {
                c.addRelationship(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(V2_0063, rel,
                        Hl7Fields.get(nk1, 3, 0, 2, 1)))); // NK1.3.2
            }
            String phone = Hl7Fields.get(nk1, 5, 0, 1, 1); // NK1.5.1
            if (phone != null) {
                c.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
            }
            String city = Hl7Fields.get(nk1, 4, 0, 3, 1); // NK1.4.3
            String street = Hl7Fields.get(nk1, 4, 0, 1, 1); // NK1.4.1
            if (street != null || city != null) {
                c.getAddress().setCity(city);
                if (street != null) {
                    c.getAddress().addLine(street);
                }
            }
            if (!c.isEmpty()) {
                p.addContact(c);
            }
        }
        Segment pd1 = ctx.use(ctx.first("PD1"));
        if (pd1 != null) {
            String gp = Hl7Fields.get(pd1, 4, 0, 2, 1) != null ? EncounterSegmentMapper.personName(pd1, 4)
                    : Hl7Fields.get(pd1, 3, 0, 1, 1); // PD1.4 XCN, else PD1.3 XON organisation name
            if (gp != null) {
                p.addGeneralPractitioner(new Reference().setDisplay(gp));
            }
        }
    }
}
