package org.ehrflow.normalizer.mapping.hl7;

import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ehrflow.hl7.Hl7Time;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.FhirJson;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One message being mapped: its segments, header, the resolved patient and (if PV1 is present) encounter, and the
 * factory for its FHIR records. Every record of a message carries versionId = MSH-10 and eventTime = MSH-7.
 */
public final class Hl7Context {

    private final List<Segment> segments;
    private final Hl7Header header;
    private final Hl7Time time;
    private final PatientKeyResolver resolver;
    private final Instant ingestTime;
    private final Set<Segment> used =
            Collections.newSetFromMap(new IdentityHashMap<>());
    private String patientKey;
    private String patientId;
    private String encounterId;

    Hl7Context(List<Segment> segments, Hl7Header header, Hl7Time time, PatientKeyResolver resolver,
            Instant ingestTime) {
        this.segments = segments;
        this.header = header;
        this.time = time;
        this.resolver = resolver;
        this.ingestTime = ingestTime;
    }

    public List<Segment> segments() {
        return segments;
    }

    public Hl7Header header() {
        return header;
    }

    public Hl7Time time() {
        return time;
    }

    public PatientKeyResolver resolver() {
        return resolver;
    }

    public String patientKey() {
        return patientKey;
    }

    public String encounterId() {
        return encounterId;
    }

    void patient(String key, String id) {
        this.patientKey = key;
        this.patientId = id;
    }

    void encounter(String id) {
        this.encounterId = id;
    }

    /** Marks a segment as mapped: it will not count as unmapped content. Returns it. */
    public Segment use(Segment s) {
        if (s != null) {
            used.add(s);
        }
        return s;
    }

    /** Takes a mark back: the segment turned out to carry content no resource holds. */
    void unuse(Segment s) {
        used.remove(s);
    }

    /** Segments nobody used, by name, excluding {@code structural} ones (MSH, EVN, ...). */
    Map<String, Integer> unmapped(Set<String> structural) {
        Map<String, Integer> out = new TreeMap<>();
        for (Segment s : segments) {
            if (!used.contains(s) && !structural.contains(s.getName())) {
                out.merge(s.getName(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Every segment named {@code name}, in order. */
    public List<Segment> all(String name) {
        return segments.stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** First segment named {@code name}, or null. */
    public Segment first(String name) {
        return segments.stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
    }

    public Reference patientRef() {
        return new Reference("Patient/" + patientId);
    }

    public Reference encounterRef() {
        return encounterId == null ? null : new Reference("Encounter/" + encounterId);
    }

    /** The FHIR system of an assigning authority, with the message's default for an empty one. */
    public String systemFor(String authority) {
        return resolver.systemForAuthority(authority != null ? authority : header.defaultAuthority());
    }

    /** An UPSERT record of {@code r} (whose id is set) for this message's patient. */
    public FhirRecord upsert(Resource r) {
        return upsert(r, encounterId);
    }

    /** An UPSERT record with an explicit encounter id (null for the Patient, which outlives encounters). */
    public FhirRecord upsert(Resource r, String encounter) {
        return new FhirRecord(patientKey, RecordOp.UPSERT, r.fhirType(), r.getIdElement().getIdPart(),
                header.controlId(), encounter, FhirJson.encode(r), provenance());
    }

    /** A DELETE record of {@code type/id} for this message's patient. */
    public FhirRecord delete(String type, String id) {
        return new FhirRecord(patientKey, RecordOp.DELETE, type, id, header.controlId(), null, null, provenance());
    }

    /**
     * A MERGE record: keyed by the retired patient's key, naming the retired Patient resource, with the
     * surviving key as target.
     */
    public FhirRecord merge(String retiredKey, String survivingKey) {
        return new FhirRecord(retiredKey, RecordOp.MERGE, "Patient", org.ehrflow.normalizer.mapping.Ids.patient(
                retiredKey), header.controlId(), null, null, provenance(), survivingKey);
    }

    private Provenance provenance() {
        return Provenance.atIngress(SourceType.HL7V2, header.sendingSystem(), header.controlId(), header.eventTime(),
                ingestTime);
    }
}
