package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * REF^I12-I15 (referral) and RRI^I12-I15 (its answer): RF1 -> ServiceRequest (V2-to-FHIR IG "RF1[ServiceRequest]",
 * category referral): id from the originating referral id RF1-6 (else the message), status RF1-1, priority RF1-2,
 * code RF1-3 referral type, reason RF1-10, occurrence RF1-7 effective date; DG1, AL1 and PR1 as in ADT.
 */
final class ReferralMapper implements MessageMapper {

    private static final String SNOMED = "http://snomed.info/sct";

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<FhirRecord> out = new ArrayList<>();
        Segment rf1 = ctx.use(ctx.first("RF1"));
        if (rf1 != null) {
            out.add(ctx.upsert(referral(rf1, ctx)));
        }
        for (Segment s : ctx.segments()) {
            Resource r = switch (s.getName()) {
                case "DG1" -> ClinicalSegments.diagnosis(s, ctx);
                case "AL1" -> ClinicalSegments.allergy(s, ctx);
                case "PR1" -> ClinicalSegments.procedure(s, ctx);
                default -> null;
            };
            if (r != null) {
                ctx.use(s);
                out.add(ctx.upsert(r));
            }
        }
        return out;
    }

    private static ServiceRequest referral(Segment rf1, Hl7Context ctx) {
        ServiceRequest sr = new ServiceRequest();
        String origin = Hl7Fields.get(rf1, 6, 0, 1, 1); // RF1.6 originating referral identifier
        sr.setId(origin != null ? Ids.of("ref", "ServiceRequest", "id", origin)
                : Ids.of("ref", "ServiceRequest", "msg", ctx.header().sendingSystem(), ctx.header().controlId()));
        if (origin != null) {
            sr.addIdentifier().setSystem(ctx.systemFor(Hl7Fields.get(rf1, 6, 0, 2, 1))).setValue(origin);
        }
        String status = Hl7Fields.get(rf1, 1); // RF1.1 referral status (table 0283)
        sr.setStatus(status == null ? ServiceRequest.ServiceRequestStatus.ACTIVE : switch (status) {
            case "R", "E" -> ServiceRequest.ServiceRequestStatus.REVOKED; // rejected, expired
            default -> ServiceRequest.ServiceRequestStatus.ACTIVE; // accepted, pending
        });
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.addCategory(ClinicalSegments.concept(SNOMED, "3457005")); // patient referral
        String priority = Hl7Fields.get(rf1, 2); // RF1.2 referral priority (table 0280)
        if ("S".equals(priority) || "A".equals(priority) || "R".equals(priority)) {
            sr.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(
                    priority.equals("S") ? "stat" : priority.equals("A") ? "asap" : "routine"));
        }
        CodeableConcept type = Hl7Codes.concept(rf1, 3, 0); // RF1.3 referral type
        sr.setCode(type != null ? type : new CodeableConcept().setText("referral"));
        CodeableConcept reason = Hl7Codes.concept(rf1, 10, 0); // RF1.10 referral reason
        if (reason != null) {
            sr.addReasonCode(reason);
        }
        sr.setSubject(ctx.patientRef());
        sr.setEncounter(ctx.encounterRef());
        String effective = ctx.time().toDateTime(Hl7Fields.get(rf1, 7)); // RF1.7 effective date
        if (effective != null) {
            sr.getOccurrenceDateTimeType().setValueAsString(effective);
        }
        return sr;
    }
}
