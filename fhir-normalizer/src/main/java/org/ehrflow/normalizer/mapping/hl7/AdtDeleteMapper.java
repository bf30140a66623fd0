package org.ehrflow.normalizer.mapping.hl7;

import java.util.List;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;

/**
 * ADT^A29 (delete person information): one DELETE of the Patient resource {@code p-<key>}. The scope is the
 * person's demographics as sent by this source: the Patient record, not the clinical facts filed under the key
 * (those are deleted by their own cancels/deletes). PV1 and the other segments are informational here.
 */
final class AdtDeleteMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        ctx.use(ctx.first("PV1"));
        return List.of(ctx.delete("Patient", Ids.patient(ctx.patientKey())));
    }

    @Override
    public boolean upsertsPatient() {
        return false;
    }
}
