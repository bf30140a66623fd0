package org.ehrflow.normalizer.mapping.hl7;

import java.util.List;
import org.ehrflow.schemas.FhirRecord;

/** ADT^A01/A04/A08: Patient and Encounter only, which every message gets; nothing beyond. */
final class AdtMapper implements MessageMapper {

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        return List.of();
    }
}
