package org.ehrflow.normalizer.mapping.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.FhirJson;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.Links;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR R4 JSON (a resource, a Bundle of any type, or NDJSON: one resource per line) -> one record per clinical
 * resource. Source ids are kept
 * (hashed when not valid FHIR ids) except the Patient's, which becomes {@code p-<key hex>} like every other
 * ingress; references in the message are rewritten to the kept ids ("urn:uuid:x" -> "Encounter/x",
 * "Patient/src" -> "Patient/p-..."). A resource whose Patient is not in the message is resolved through the
 * learned link "fhir-patient:&lt;id&gt;", or waits for it. DELETE entries and entered-in-error become DELETE records.
 */
public final class FhirMapper implements RawMapper {

    private final PatientKeyResolver resolver;

    public FhirMapper(PatientKeyResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        List<String> ndjson = Ndjson.lines(raw.payload());
        if (ndjson != null) {
            List<FhirEntry> entries = new ArrayList<>();
            for (String line : ndjson) {
                try {
                    entries.addAll(FhirEntry.of(FhirJson.parser().parseResource(line)));
                } catch (RuntimeException e) {
                    // One bad line dead-letters the record: the DLQ keeps the original bytes, and a replay after
                    // the fix re-emits the good lines with the same ids.
                    return MappingResult.Rejected.of(ReasonCodes.FHIR_INVALID_RESOURCE, e);
                }
            }
            return new Run(raw, rawKey, links, raw.provenance().sourceSystem()).map(entries);
        }
        IBaseResource parsed;
        try {
            parsed = FhirJson.parser().parseResource(raw.payload());
        } catch (RuntimeException e) {
            return MappingResult.Rejected.of(ReasonCodes.FHIR_PARSE_ERROR, e);
        }
        return new Run(raw, rawKey, links, senderScope(parsed, raw)).map(FhirEntry.of(parsed));
    }

    /**
     * Whom identifiers without a system belong to: a message Bundle's {@code MessageHeader.source.endpoint}, else
     * the sender named in the provenance.
     */
    static String senderScope(IBaseResource parsed, RawMessage raw) {
        if (parsed instanceof org.hl7.fhir.r4.model.Bundle b
                && b.getType() == org.hl7.fhir.r4.model.Bundle.BundleType.MESSAGE
                && b.getEntryFirstRep().getResource() instanceof org.hl7.fhir.r4.model.MessageHeader h
                && h.getSource().hasEndpoint()) {
            return h.getSource().getEndpoint();
        }
        return raw.provenance().sourceSystem();
    }

    /** The state of mapping one message. */
    private final class Run {
        private final RawMessage raw;
        private final String rawKey;
        private final LinkLookup links;
        private final Map<String, String> targets = new HashMap<>();
        private final Map<String, String> keyByPatientRef = new LinkedHashMap<>();
        private final Map<Resource, String> newRefOfPatient = new IdentityHashMap<>();
        private final Map<String, String> learned = new TreeMap<>();
        private final Map<String, Integer> skipped = new TreeMap<>();
        private final List<FhirRecord> records = new ArrayList<>();
        private final String senderScope;

        Run(RawMessage raw, String rawKey, LinkLookup links, String senderScope) {
            this.senderScope = senderScope;
            this.raw = raw;
            this.rawKey = rawKey;
            this.links = links;
        }

        MappingResult map(List<FhirEntry> entries) {
            BundleBinaries.inline(entries); // issue 12: documents whose Binary came in the same message
            for (FhirEntry e : entries) {
                if (!e.delete() && e.resource() instanceof Patient p && !registerPatient(e, p)) {
                    return MappingResult.Rejected.of(ReasonCodes.FHIR_NO_PATIENT_ID);
                }
            }
            for (FhirEntry e : entries) {
                if (!e.delete() && e.resource() != null && !(e.resource() instanceof Patient)
                        && FhirResourceTypes.mapped(e.resource().fhirType())) {
                    registerTarget(e);
                }
            }
            List<FhirEntry> ordered = new ArrayList<>();
            entries.stream().filter(e -> e.resource() instanceof Patient && !e.delete()).forEach(ordered::add);
            entries.stream().filter(e -> !(e.resource() instanceof Patient) || e.delete()).forEach(ordered::add);
            for (FhirEntry e : ordered) {
                MappingResult problem = e.delete() ? delete(e) : upsert(e);
                if (problem != null) {
                    return problem;
                }
            }
            return new MappingResult.Mapped(records, learned, skipped);
        }

        private boolean registerPatient(FhirEntry e, Patient p) {
            Optional<String> key = FhirPatients.patientKey(p, resolver, senderScope);
            if (key.isEmpty()) {
                return false;
            }
            String newRef = "Patient/" + Ids.patient(key.get());
            String src = e.sourceId();
            if (e.fullUrl() != null) {
                targets.put(e.fullUrl(), newRef);
            }
            if (src != null) {
                targets.put("Patient/" + src, newRef);
                learned.put(Links.fhirPatient(src), key.get());
            }
            if (e.fullUrl() != null && e.fullUrl().startsWith("urn:uuid:")) {
                learned.put(Links.fhirPatient(e.fullUrl().substring("urn:uuid:".length())), key.get());
            }
            keyByPatientRef.put(newRef, key.get());
            newRefOfPatient.put(p, newRef);
            return true;
        }

        private void registerTarget(FhirEntry e) {
            String type = e.resource().fhirType();
            String src = e.sourceId();
            String id = src != null ? Ids.fhirSource(src) : "f-" + Ids.h(FhirJson.encode(e.resource()));
            e.resource().setId(id);
            if (e.fullUrl() != null) {
                targets.put(e.fullUrl(), type + "/" + id);
            }
            if (src != null && !src.equals(id)) {
                targets.put(type + "/" + src, type + "/" + id);
            }
        }

        /** Null when done, else the result that ends the message (rejection or wait). */
        private MappingResult upsert(FhirEntry e) {
            Resource r = e.resource();
            String type = r == null ? null : r.fhirType();
            if (r == null || !FhirResourceTypes.mapped(type)) {
                skipped.merge(type == null ? "none" : type, 1, Integer::sum);
                return null;
            }
            String src = e.sourceId();
            FhirReferences.rewrite(r, targets);
            String patientKey;
            if (r instanceof Patient) {
                String newRef = newRefOfPatient.get(r);
                patientKey = keyByPatientRef.get(newRef);
                r.setId(newRef.substring("Patient/".length()));
            } else {
                Reference subject = Optional.ofNullable(FhirReferences.child(r, "subject"))
                        .orElse(FhirReferences.child(r, "patient"));
                Object resolved = resolvePatient(r, subject);
                if (resolved instanceof MappingResult m) {
                    return m;
                }
                patientKey = (String) resolved;
            }
            boolean deleted = "entered-in-error".equals(FhirReferences.primitive(r, "status"))
                    || enteredInError(r);
            String id = r.getIdElement().getIdPart();
            String version = r.getMeta().hasVersionId() ? r.getMeta().getVersionId() : null;
            records.add(new FhirRecord(patientKey, deleted ? RecordOp.DELETE : RecordOp.UPSERT, type, id, version,
                    encounterId(r), deleted ? null : FhirJson.encode(r), provenance(type, src, version, r)));
            return null;
        }

        /** The patient key (String) or the MappingResult that ends the message. */
        private Object resolvePatient(Resource r, Reference subject) {
            if (subject == null) {
                if (keyByPatientRef.size() == 1) {
                    return keyByPatientRef.values().iterator().next();
                }
                return MappingResult.Rejected.of(ReasonCodes.FHIR_NO_PATIENT_REFERENCE);
            }
            String key = keyByPatientRef.get(subject.getReference());
            if (key != null) {
                return key;
            }
            String srcId = FhirReferences.idOf(subject.getReference(), "Patient");
            if (srcId == null && subject.getReference().startsWith("urn:uuid:")) {
                // A bundle-local reference outside its bundle: the uuid is the Patient's fullUrl (Synthea: its id).
                srcId = subject.getReference().substring("urn:uuid:".length());
            }
            if (srcId == null) {
                return MappingResult.Rejected.of(ReasonCodes.FHIR_NO_PATIENT_REFERENCE);
            }
            Optional<String> learnedKey = links.find(Links.fhirPatient(srcId));
            if (learnedKey.isEmpty()) {
                return new MappingResult.AwaitingLink(Links.fhirPatient(srcId));
            }
            String newRef = "Patient/" + Ids.patient(learnedKey.get());
            FhirReferences.rewrite(r, Map.of(subject.getReference(), newRef));
            return learnedKey.get();
        }

        private MappingResult delete(FhirEntry e) {
            String url = e.deleteUrl() == null ? "" : e.deleteUrl().split("\\?")[0];
            String[] parts = url.split("/");
            if (parts.length < 2 || url.contains("?") || e.deleteUrl().contains("?")) {
                return MappingResult.Rejected.of(ReasonCodes.FHIR_INVALID_ENTRY);
            }
            String type = parts[parts.length - 2];
            String src = parts[parts.length - 1];
            if (!FhirResourceTypes.mapped(type)) {
                skipped.merge(type, 1, Integer::sum);
                return null;
            }
            Optional<String> key = type.equals("Patient") ? links.find(Links.fhirPatient(src))
                    : keyByPatientRef.size() == 1 ? Optional.of(keyByPatientRef.values().iterator().next())
                    : rawKey != null && rawKey.startsWith("fhir-patient:") ? links.find(rawKey) : Optional.empty();
            if (key.isEmpty()) {
                return MappingResult.Rejected.of(ReasonCodes.FHIR_NO_PATIENT_REFERENCE);
            }
            String id = type.equals("Patient") ? Ids.patient(key.get()) : Ids.fhirSource(src);
            records.add(new FhirRecord(key.get(), RecordOp.DELETE, type, id, null, null, null,
                    provenance(type, src, null, null)));
            return null;
        }

        private String encounterId(Resource r) {
            if (r.fhirType().equals("Encounter")) {
                return r.getIdElement().getIdPart();
            }
            Reference ref = switch (r.fhirType()) {
                case "DocumentReference" -> FhirReferences.child(r, "context", "encounter");
                case "MedicationStatement" -> FhirReferences.child(r, "context");
                default -> FhirReferences.child(r, "encounter");
            };
            return ref == null ? null : FhirReferences.idOf(ref.getReference(), "Encounter");
        }

        private Provenance provenance(String type, String src, String version, Resource r) {
            Instant event = r != null && r.getMeta().hasLastUpdated() ? r.getMeta().getLastUpdated().toInstant()
                    : raw.provenance().eventTime();
            String messageId = type + "/" + (src == null ? "-" : src) + "/_history/" + (version == null ? "1"
                    : version);
            return Provenance.atIngress(SourceType.FHIR, raw.provenance().sourceSystem(), messageId, event,
                    raw.provenance().ingestTime());
        }
    }

    private static boolean enteredInError(Resource r) {
        if (!r.fhirType().equals("Condition") && !r.fhirType().equals("AllergyIntolerance")) {
            return false;
        }
        return FhirJson.context().newTerser().getValues(r, "verificationStatus.coding.code").stream()
                .anyMatch(v -> v instanceof org.hl7.fhir.instance.model.api.IPrimitiveType<?> p
                        && "entered-in-error".equals(p.getValueAsString()));
    }

}
