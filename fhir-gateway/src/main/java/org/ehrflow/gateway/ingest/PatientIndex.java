package org.ehrflow.gateway.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which source Patient id each recently written resource ("Type/id") belongs to, so that a later
 * {@code DELETE [type]/[id]} can be keyed {@code fhir-patient:<id>} like the writes it undoes (the normaliser
 * resolves a deletion's patient through that key). Bounded LRU in memory: after a restart or eviction the client
 * names the patient with {@code ?patient=Patient/<id>}.
 */
public final class PatientIndex {

    private final Map<String, String> byResource;

    public PatientIndex(int capacity) {
        this.byResource = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers the patient of every resource {@code record} wrote, if its key names one. */
    public synchronized void learn(RawRecord record) {
        if (!record.key().startsWith(RawFhirKeys.PATIENT)) {
            return;
        }
        String patient = record.key().substring(RawFhirKeys.PATIENT.length());
        for (String ref : record.touched()) {
            byResource.put(ref, patient);
        }
    }

    public synchronized Optional<String> patientOf(String typeAndId) {
        return Optional.ofNullable(byResource.get(typeAndId));
    }
}
