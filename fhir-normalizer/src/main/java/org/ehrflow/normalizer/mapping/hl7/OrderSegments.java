package org.ehrflow.normalizer.mapping.hl7;

import java.math.BigDecimal;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.Specimen;

/**
 * Order segments per the V2-to-FHIR IG: ORC + OBR -> ServiceRequest, ORC + RXO/RXE (+ RXR) -> MedicationRequest,
 * ORC + RXA (+ RXR) -> Immunization, SPM -> Specimen. Status from ORC-5 (table 0038), else ORC-1 (table 0119).
 */
final class OrderSegments {

    private static final CodeTable ORDER_STATUS = CodeTable.load("order-status");
    private static final CodeTable ORDER_CONTROL = CodeTable.load("order-control");
    private static final CodeTable IMMUNIZATION_STATUS = CodeTable.load("immunization-status");

    private OrderSegments() {
    }

    static ServiceRequest serviceRequest(Segment orc, Segment obr, String orderKey, Hl7Context ctx) {
        ServiceRequest sr = new ServiceRequest();
        sr.setId(Ids.of("sr", "ServiceRequest", orderKey));
        sr.setStatus(ServiceRequest.ServiceRequestStatus.fromCode(status(orc)));
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        CodeableConcept code = Hl7Codes.concept(obr, 4, 0); // OBR.4 universal service id
        sr.setCode(code != null ? code : new CodeableConcept().setText("unspecified"));
        sr.setSubject(ctx.patientRef());
        sr.setEncounter(ctx.encounterRef());
        identifier(sr.addIdentifier(), orc, obr, 2, "PLAC", ctx); // ORC.2 / OBR.2
        identifier(sr.addIdentifier(), orc, obr, 3, "FILL", ctx); // ORC.3 / OBR.3
        sr.getIdentifier().removeIf(i -> !i.hasValue());
        String authored = ctx.time().toDateTime(orc == null ? null : Hl7Fields.get(orc, 9)); // ORC.9
        if (authored != null) {
            sr.getAuthoredOnElement().setValueAsString(authored);
        }
        String requester = orc != null && Hl7Fields.get(orc, 12, 2) != null ? EncounterSegmentMapper.personName(orc, 12)
                : EncounterSegmentMapper.personName(obr, 16); // ORC.12 ordering provider, else OBR.16
        if (requester != null) {
            sr.setRequester(new Reference().setDisplay(requester));
        }
        CodeableConcept reason = Hl7Codes.concept(obr, 31, 0); // OBR.31 reason for study
        if (reason != null) {
            sr.addReasonCode(reason);
        }
        String when = ctx.time().toDateTime(Hl7Fields.get(obr, 7)); // OBR.7 observation date/time
        if (when != null) {
            sr.getOccurrenceDateTimeType().setValueAsString(when);
        }
        return sr;
    }

    /** RXO (requested) or RXE (encoded) give the medication; RXR the route. */
    static MedicationRequest medicationRequest(Segment orc, Segment rx, Segment rxr, String orderKey, Hl7Context ctx) {
        boolean encoded = rx.getName().equals("RXE");
        MedicationRequest mr = new MedicationRequest();
        mr.setId(Ids.of("mr", "MedicationRequest", orderKey));
        String st = status(orc);
        // request-status "revoked" is "cancelled" in the MedicationRequest value set.
        mr.setStatus(MedicationRequest.MedicationRequestStatus.fromCode(st.equals("revoked") ? "cancelled" : st));
        mr.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        CodeableConcept med = Hl7Codes.concept(rx, encoded ? 2 : 1, 0); // RXE.2 give code / RXO.1 requested give code
        mr.setMedication(med != null ? med : new CodeableConcept().setText("unspecified"));
        mr.setSubject(ctx.patientRef());
        mr.setEncounter(ctx.encounterRef());
        String authored = ctx.time().toDateTime(orc == null ? null : Hl7Fields.get(orc, 9)); // ORC.9
        if (authored != null) {
            mr.getAuthoredOnElement().setValueAsString(authored);
        }
        if (orc != null && EncounterSegmentMapper.personName(orc, 12) != null) {
            mr.setRequester(new Reference().setDisplay(EncounterSegmentMapper.personName(orc, 12))); // ORC.12
        }
        Dosage dosage = new Dosage();
        BigDecimal amount = decimal(Hl7Fields.get(rx, encoded ? 3 : 2)); // RXE.3 / RXO.2 minimum amount
        String unit = Hl7Fields.get(rx, encoded ? 5 : 4, 0, 1, 1); // RXE.5 / RXO.4 units
        if (amount != null) {
            dosage.addDoseAndRate().setDose(quantity(amount, unit));
        }
        if (encoded) {
            String sig = Hl7Fields.get(rx, 21, 0, 2, 1); // RXE.21 pharmacy special instructions (text)
            dosage.setText(sig != null ? sig : Hl7Fields.get(rx, 7, 0, 2, 1)); // else RXE.7 administration instr.
            BigDecimal dispense = decimal(Hl7Fields.get(rx, 10)); // RXE.10 dispense amount
            if (dispense != null) {
                mr.getDispenseRequest().setQuantity(quantity(dispense, Hl7Fields.get(rx, 11, 0, 1, 1))); // RXE.11
            }
            BigDecimal refills = decimal(Hl7Fields.get(rx, 12)); // RXE.12 number of refills
            if (refills != null) {
                mr.getDispenseRequest().setNumberOfRepeatsAllowed(refills.intValue());
            }
        }
        CodeableConcept route = rxr == null ? null : Hl7Codes.concept(rxr, 1, 0); // RXR.1 route
        if (route != null) {
            dosage.setRoute(route);
        }
        if (!dosage.isEmpty()) {
            mr.addDosageInstruction(dosage);
        }
        return mr;
    }

    /** RXA -> Immunization; RXA-20 gives completed / not-done. */
    static Immunization immunization(Segment rxa, Segment rxr, String orderKey, Hl7Context ctx) {
        Immunization im = new Immunization();
        im.setId(Ids.of("imm", "Immunization", orderKey));
        im.setStatus(Immunization.ImmunizationStatus.fromCode(
                IMMUNIZATION_STATUS.getOrDefault(Hl7Fields.get(rxa, 20), "completed"))); // RXA.20
        CodeableConcept vaccine = Hl7Codes.concept(rxa, 5, 0); // RXA.5 administered code (CVX)
        im.setVaccineCode(vaccine != null ? vaccine : new CodeableConcept().setText("unspecified"));
        im.setPatient(ctx.patientRef());
        im.setEncounter(ctx.encounterRef());
        String when = ctx.time().toDateTime(Hl7Fields.get(rxa, 3)); // RXA.3 start of administration
        if (when != null) {
            im.getOccurrenceDateTimeType().setValueAsString(when);
        } else {
            im.getOccurrenceStringType().setValue("unknown");
        }
        BigDecimal amount = decimal(Hl7Fields.get(rxa, 6)); // RXA.6 administered amount (999 = unknown)
        if (amount != null && amount.compareTo(new BigDecimal(999)) != 0) {
            SimpleQuantity q = new SimpleQuantity();
            q.setValue(amount).setUnit(Hl7Fields.get(rxa, 7, 0, 1, 1)); // RXA.7 units
            im.setDoseQuantity(q);
        }
        im.setLotNumber(Hl7Fields.get(rxa, 15)); // RXA.15 lot number
        String expiry = ctx.time().toDate(Hl7Fields.get(rxa, 16)); // RXA.16 expiration date
        if (expiry != null) {
            im.getExpirationDateElement().setValueAsString(expiry);
        }
        String maker = Hl7Fields.get(rxa, 17, 0, 2, 1); // RXA.17.2 manufacturer name
        if (maker != null) {
            im.setManufacturer(new Reference().setDisplay(maker));
        }
        if (rxr != null) {
            CodeableConcept route = Hl7Codes.concept(rxr, 1, 0); // RXR.1 route
            CodeableConcept site = Hl7Codes.concept(rxr, 2, 0); // RXR.2 site
            im.setRoute(route);
            im.setSite(site);
        }
        return im;
    }

    /** SPM -> Specimen; id from SPM-2 (the specimen id), else the order and position. */
    static Specimen specimen(Segment spm, String orderKey, int position, Hl7Context ctx) {
        Specimen sp = new Specimen();
        String id = Hl7Fields.get(spm, 2, 0, 1, 1); // SPM.2.1 placer assigned specimen id
        String filler = Hl7Fields.get(spm, 2, 0, 2, 1); // SPM.2.2 filler assigned specimen id
        sp.setId(filler != null ? Ids.of("spm", "Specimen", "id", filler)
                : id != null ? Ids.of("spm", "Specimen", "id", id)
                : Ids.of("spm", "Specimen", orderKey, String.valueOf(position)));
        if (filler != null || id != null) {
            sp.addIdentifier().setValue(filler != null ? filler : id);
        }
        sp.setType(Hl7Codes.concept(spm, 4, 0)); // SPM.4 specimen type
        sp.setSubject(ctx.patientRef());
        String collected = ctx.time().toDateTime(Hl7Fields.get(spm, 17)); // SPM.17 collection date/time
        if (collected != null) {
            sp.getCollection().getCollectedDateTimeType().setValueAsString(collected);
        }
        CodeableConcept site = Hl7Codes.concept(spm, 8, 0); // SPM.8 source site
        if (site != null) {
            sp.getCollection().setBodySite(site);
        }
        return sp;
    }

    /** FHIR request-status from ORC-5, else ORC-1; "active" by default. */
    static String status(Segment orc) {
        if (orc == null) {
            return "active";
        }
        String s = ORDER_STATUS.get(Hl7Fields.get(orc, 5)); // ORC.5 order status
        return s != null ? s : ORDER_CONTROL.getOrDefault(Hl7Fields.get(orc, 1), "active"); // ORC.1 order control
    }

    private static void identifier(org.hl7.fhir.r4.model.Identifier id, Segment orc, Segment obr, int field,
            String type, Hl7Context ctx) {
        Segment s = Hl7Fields.get(obr, field, 0, 1, 1) != null || orc == null ? obr : orc;
        String value = Hl7Fields.get(s, field, 0, 1, 1);
        if (value != null) {
            id.setSystem(ctx.systemFor(Hl7Fields.get(s, field, 0, 2, 1))).setValue(value)
                    .setType(ClinicalSegments.concept("http://terminology.hl7.org/CodeSystem/v2-0203", type));
        }
    }

    static SimpleQuantity quantity(BigDecimal v, String unit) {
        SimpleQuantity q = new SimpleQuantity();
        q.setValue(v);
        if (unit != null) {
            q.setUnit(unit);
        }
        return q;
    }

    /** A decimal from HL7 text, or null when absent or not a number. */
    static BigDecimal decimal(String s) {
        try {
            return s == null ? null : new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
