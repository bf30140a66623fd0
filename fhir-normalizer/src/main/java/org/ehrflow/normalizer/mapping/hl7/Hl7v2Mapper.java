package org.ehrflow.normalizer.mapping.hl7;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.hl7.Hl7Escapes;
import org.ehrflow.hl7.Hl7ParseException;
import org.ehrflow.hl7.Hl7Time;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RawMessage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;

/**
 * HL7 v2 ER7 -> FHIR records. A registry from message type to {@link MessageMapper}; every supported message gets
 * Patient (PID, with NK1/PD1) and, with PV1, Encounter first. Unsupported types, unparsable text and messages
 * without a usable patient identifier are rejected with a reason code. Segments with content that no mapper used
 * are counted by name in {@link MappingResult.Mapped#unmapped()}.
 */
public final class Hl7v2Mapper implements RawMapper {

    /** The {@code unmapped} entry that counts character-set escapes left as text. */
    static final String CHARSET_ESCAPE = "charset-escape";

    private final PatientKeyResolver resolver;
    private final Hl7Time time;

    public Hl7v2Mapper(PatientKeyResolver resolver, ZoneId defaultZone) {
        this.resolver = resolver;
        this.time = new Hl7Time(defaultZone);
    }

    public static boolean supports(String type, String event) {
        return Hl7Registry.REGISTRY.containsKey(type + "^" + event);
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        String text = Er7.normalise(raw.payload());
        Er7Parser.MessageType type = Er7Parser.messageType(text);
        if (type == null) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR);
        }
        MessageMapper mapper = Hl7Registry.REGISTRY.get(type.type() + "^" + type.event());
        if (mapper == null) {
            return MappingResult.Rejected.of(Hl7Registry.NOT_CLINICAL.contains(type.type())
                    ? ReasonCodes.HL7_NOT_CLINICAL : ReasonCodes.HL7_UNSUPPORTED_TYPE);
        }
        List<Segment> segments;
        try {
            segments = Er7Parser.parse(text);
        } catch (Hl7ParseException e) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR, e);
        }
        Segment msh = segments.isEmpty() ? null : segments.get(0);
        if (msh == null || !msh.getName().equals("MSH")) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR);
        }
        // The event is the raw MSH-9.2: HAPI may rewrite MSH-9 of an unknown structure.
        Hl7Header header = Hl7Header.read(msh, time, raw.provenance().sourceSystem(),
                raw.provenance().sourceMessageId()).withEvent(type.type(), type.event());
        Hl7Context ctx = new Hl7Context(segments, header, time, resolver, raw.provenance().ingestTime());
        Segment pid = ctx.use(ctx.first("PID"));
        Optional<Patient> patient = pid == null ? Optional.empty() : PatientSegmentMapper.map(pid, ctx);
        if (patient.isEmpty()) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_NO_PATIENT_ID);
        }
        List<FhirRecord> out = new ArrayList<>();
        if (mapper.upsertsPatient()) {
            PatientExtras.apply(patient.get(), ctx);
            Segment pv1 = ctx.use(ctx.first("PV1"));
            // The encounter id must be known before the other records are built: every record carries it.
            Encounter encounter = pv1 == null ? null : EncounterSegmentMapper.map(pv1, ctx);
            out.add(ctx.upsert(patient.get(), null));
            if (encounter != null) {
                out.add(ctx.upsert(encounter));
            }
        }
        out.addAll(mapper.map(ctx));
        Map<String, Integer> unmapped = ctx.unmapped(Hl7Registry.STRUCTURAL);
        int charsetEscapes = Hl7Escapes.charsetEscapes(text, msh.delimiters());
        if (charsetEscapes > 0) {
            // \C..\ / \M..\ switch ISO 2022 character sets mid-text; they stay as text, counted so a feed that
            // sends them is seen (ehrflow.normalizer.segments.unmapped{segment="charset-escape"}).
            unmapped = new HashMap<>(unmapped);
            unmapped.put(CHARSET_ESCAPE, charsetEscapes);
        }
        return new MappingResult.Mapped(out, Map.of(), Map.of(), unmapped);
    }
}
