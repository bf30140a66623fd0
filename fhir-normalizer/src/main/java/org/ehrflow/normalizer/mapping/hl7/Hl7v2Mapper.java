package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RawMessage;
import org.hl7.fhir.r4.model.Patient;

/**
 * HL7 v2 ER7 -> FHIR records. A registry from message type to {@link MessageMapper}; every supported message gets
 * Patient (PID) and, with PV1, Encounter first. Unsupported types, unparsable text and messages without a usable
 * patient identifier are rejected with a reason code.
 */
public final class Hl7v2Mapper implements RawMapper {

    /** Supported "type^event" -> mapper. Everything else is HL7_UNSUPPORTED_TYPE. */
    static final Map<String, MessageMapper> REGISTRY = Map.of(
            "ADT^A01", new AdtMapper(),
            "ADT^A04", new AdtMapper(),
            "ADT^A08", new AdtMapper(),
            "ORU^R01", new OruMapper(),
            "MDM^T02", new MdmMapper());

    private final PatientKeyResolver resolver;
    private final Hl7Time time;

    public Hl7v2Mapper(PatientKeyResolver resolver, ZoneId defaultZone) {
        this.resolver = resolver;
        this.time = new Hl7Time(defaultZone);
    }

    public static boolean supports(String type, String event) {
        return REGISTRY.containsKey(type + "^" + event);
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        String text = Hl7Parser.normalise(raw.payload());
        String[] type = Hl7Parser.messageType(text);
        if (type == null) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR);
        }
        MessageMapper mapper = REGISTRY.get(type[0] + "^" + type[1]);
        if (mapper == null) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_UNSUPPORTED_TYPE);
        }
        Message msg;
        try {
            msg = Hl7Parser.parse(text);
        } catch (HL7Exception | RuntimeException e) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR, e);
        }
        List<Segment> segments = Hl7Fields.segments(msg);
        Segment msh = segments.isEmpty() ? null : segments.get(0);
        if (msh == null || !msh.getName().equals("MSH")) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR);
        }
        Hl7Header header = Hl7Header.read(msh, time, raw.provenance().sourceSystem(),
                raw.provenance().sourceMessageId());
        Hl7Context ctx = new Hl7Context(segments, header, time, resolver, raw.provenance().ingestTime());
        Segment pid = ctx.first("PID");
        Optional<Patient> patient = pid == null ? Optional.empty() : PatientSegmentMapper.map(pid, ctx);
        if (patient.isEmpty()) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_NO_PATIENT_ID);
        }
        List<FhirRecord> out = new ArrayList<>();
        Segment pv1 = ctx.first("PV1");
        // The encounter id must be known before the patient record is built: every record carries it.
        org.hl7.fhir.r4.model.Encounter encounter = pv1 == null ? null : EncounterSegmentMapper.map(pv1, ctx);
        out.add(ctx.upsert(patient.get(), null));
        if (encounter != null) {
            out.add(ctx.upsert(encounter));
        }
        out.addAll(mapper.map(ctx));
        return MappingResult.Mapped.of(out);
    }
}
