package org.ehrflow.normalizer.mapping.hl7;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.hl7.Segment;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * ADT^A24 (link patient information) and ADT^A37 (unlink): the two PID segments are two patients (V2-to-FHIR IG
 * "ADT_A24": {@code Patient.link.other} / {@code type = seealso}). Both Patients are upserted, each under its own
 * key; for A24 each links to the other, for A37 neither carries a link (the upsert replaces the resource, so the
 * link of an earlier A24 is gone). A message whose second PID keys no patient maps the first one only.
 */
final class AdtLinkMapper implements MessageMapper {

    private final boolean link;

    /** @param link true for A24, false for A37 */
    AdtLinkMapper(boolean link) {
        this.link = link;
    }

    @Override
    public boolean upsertsPatient() {
        return false; // both patients are emitted here, each with its link
    }

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        List<Segment> pids = ctx.all("PID");
        String firstKey = ctx.patientKey();
        Optional<Patient> first = PatientSegmentMapper.map(ctx.use(pids.get(0)), ctx);
        if (first.isEmpty()) {
            return List.of();
        }
        PatientExtras.apply(first.get(), ctx);
        String firstId = first.get().getIdElement().getIdPart();
        List<FhirRecord> out = new ArrayList<>();
        Optional<Patient> second = pids.size() < 2 || PatientSegmentMapper.keyOf(pids.get(1), 3, ctx).isEmpty()
                ? Optional.empty() : PatientSegmentMapper.map(ctx.use(pids.get(1)), ctx); // sets ctx to PID 2
        if (second.isPresent()) {
            String secondId = second.get().getIdElement().getIdPart();
            if (link) {
                second.get().addLink().setOther(new Reference("Patient/" + firstId)) // PID[2] -> PID[1]
                        .setType(Patient.LinkType.SEEALSO);
                first.get().addLink().setOther(new Reference("Patient/" + secondId)) // PID[1] -> PID[2]
                        .setType(Patient.LinkType.SEEALSO);
            }
            out.add(ctx.upsert(second.get(), null));
            ctx.patient(firstKey, firstId);
        }
        out.add(0, ctx.upsert(first.get(), null));
        return out;
    }
}
