package org.ehrflow.normalizer.mapping.hl7;

import java.math.BigDecimal;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.Reference;

/**
 * Pharmacy events per the V2-to-FHIR IG: RDS^O13 RXD -> MedicationDispense ("RXD[MedicationDispense]"), RAS^O17
 * RXA -> MedicationAdministration ("RXA[MedicationAdministration]"); RXR gives the route; the order's
 * MedicationRequest (RXE/RXO of the same group), when present, is the authorising prescription / request.
 */
final class PharmacyEvents {

    private PharmacyEvents() {
    }

    static MedicationDispense dispense(Segment rxd, Segment rxr, String orderKey, int n, String requestId,
            Hl7Context ctx) {
        MedicationDispense md = new MedicationDispense();
        md.setId(Ids.of("md", "MedicationDispense", orderKey, String.valueOf(n)));
        md.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        CodeableConcept med = Hl7Codes.concept(rxd, 2, 0); // RXD.2 dispense/give code
        md.setMedication(med != null ? med : new CodeableConcept().setText("unspecified"));
        md.setSubject(ctx.patientRef());
        md.setContext(ctx.encounterRef());
        String handed = ctx.time().toDateTime(Hl7Fields.get(rxd, 3)); // RXD.3 date/time dispensed
        if (handed != null) {
            md.getWhenHandedOverElement().setValueAsString(handed);
        }
        BigDecimal amount = OrderSegments.decimal(Hl7Fields.get(rxd, 4)); // RXD.4 actual dispense amount
        if (amount != null) {
            // RXD.5 actual dispense units
            md.setQuantity(OrderSegments.quantity(amount, Hl7Fields.get(rxd, 5, 0, 1, 1)));
        }
        String rxNumber = Hl7Fields.get(rxd, 7); // RXD.7 prescription number
        if (rxNumber != null) {
            md.addIdentifier().setValue(rxNumber);
        }
        if (requestId != null) {
            md.addAuthorizingPrescription(new Reference("MedicationRequest/" + requestId));
        }
        CodeableConcept route = rxr == null ? null : Hl7Codes.concept(rxr, 1, 0); // RXR.1 route
        if (route != null) {
            md.addDosageInstruction().setRoute(route);
        }
        return md;
    }

    static MedicationAdministration administration(Segment rxa, Segment rxr, String orderKey, int n,
            String requestId, Hl7Context ctx) {
        MedicationAdministration ma = new MedicationAdministration();
        ma.setId(Ids.of("mad", "MedicationAdministration", orderKey, String.valueOf(n)));
        String completion = Hl7Fields.get(rxa, 20); // RXA.20 completion status (table 0322)
        ma.setStatus(completion == null || completion.equals("CP") ? MedicationAdministration
                .MedicationAdministrationStatus.COMPLETED : completion.equals("PA") ? MedicationAdministration
                .MedicationAdministrationStatus.INPROGRESS : MedicationAdministration.MedicationAdministrationStatus
                .NOTDONE);
        CodeableConcept med = Hl7Codes.concept(rxa, 5, 0); // RXA.5 administered code
        ma.setMedication(med != null ? med : new CodeableConcept().setText("unspecified"));
        ma.setSubject(ctx.patientRef());
        ma.setContext(ctx.encounterRef());
        String start = ctx.time().toDateTime(Hl7Fields.get(rxa, 3)); // RXA.3 start of administration
        String end = ctx.time().toDateTime(Hl7Fields.get(rxa, 4)); // RXA.4 end of administration
        if (start != null && end != null && !end.equals(start)) {
            ma.getEffectivePeriod().getStartElement().setValueAsString(start);
            ma.getEffectivePeriod().getEndElement().setValueAsString(end);
        } else if (start != null || end != null) {
            ma.getEffectiveDateTimeType().setValueAsString(start != null ? start : end);
        }
        BigDecimal amount = OrderSegments.decimal(Hl7Fields.get(rxa, 6)); // RXA.6 administered amount
        if (amount != null && amount.compareTo(new BigDecimal(999)) != 0) {
            ma.getDosage().setDose(OrderSegments.quantity(amount, Hl7Fields.get(rxa, 7, 0, 1, 1))); // RXA.7 units
        }
        CodeableConcept route = rxr == null ? null : Hl7Codes.concept(rxr, 1, 0); // RXR.1 route
        if (route != null) {
            ma.getDosage().setRoute(route);
        }
        if (requestId != null) {
            ma.setRequest(new Reference("MedicationRequest/" + requestId));
        }
        return ma;
    }
}
