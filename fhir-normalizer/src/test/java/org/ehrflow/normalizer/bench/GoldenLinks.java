package org.ehrflow.normalizer.bench;

import java.util.Map;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;

/** The links the CDC golden corpus's rows need (patient 7, encounter 3). */
final class GoldenLinks {

    static final LinkLookup KNOWN = Fixtures.links(Map.of(
            "ehr-patient:7", PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "12345"),
            "ehr-encounter:3", Ids.encounter(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "V100")));

    private GoldenLinks() {
    }
}
