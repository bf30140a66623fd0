package org.ehrflow.normalizer.mapping.cdc;

import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/** The demo-EHR CDC mapper as the golden test and the benchmark build it. */
final class CdcMappers {

    private CdcMappers() {
    }

    static RawMapper demo(PatientKeyResolver resolver, String mrnSystem, String visitAuthority) {
        return new CdcMapper(resolver, mrnSystem, visitAuthority);
    }
}
