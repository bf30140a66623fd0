package org.ehrflow.cdc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;

/**
 * Test helper: maps captured raw CDC records, in topic order, through the normaliser's CDC mapper (learning
 * patient and encounter links as the normaliser's topology does) and applies the FHIR records to a map keyed by
 * resource reference, as an upserting sink would.
 */
final class FhirReplay {

    private final CdcMapper mapper;
    private final Map<String, String> links = new HashMap<>();
    /** Resource reference -> resource JSON of the latest upsert (deletes remove). */
    final Map<String, String> state = new LinkedHashMap<>();
    final List<FhirRecord> records = new ArrayList<>();
    int rejected;
    int waiting;
    final List<String> reasons = new ArrayList<>();

    /** The demo EHR's mapping. */
    FhirReplay() {
        this(new CdcMapper(PatientKeyResolver.defaults(), PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR"));
    }

    FhirReplay(CdcMapper mapper) {
        this.mapper = mapper;
    }

    FhirReplay apply(List<ConsumerRecord<String, byte[]>> raw) {
        for (ConsumerRecord<String, byte[]> r : raw) {
            MappingResult result = mapper.map(r.key(), RawTopicReader.rawMessage(r),
                    k -> Optional.ofNullable(links.get(k)));
            if (result instanceof MappingResult.Mapped m) {
                links.putAll(m.learned());
                for (FhirRecord f : m.records()) {
                    records.add(f);
                    if (f.op() == RecordOp.DELETE) {
                        state.remove(f.reference());
                    } else {
                        state.put(f.reference(), f.resourceJson());
                    }
                }
            } else if (result instanceof MappingResult.Rejected rej) {
                rejected++;
                reasons.add(rej.reasonCode());
            } else {
                waiting++;
            }
        }
        return this;
    }
}
