package org.ehrflow.normalizer.mapping.hl7;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /** Segments that carry no clinical content of their own (envelope, software, event metadata). */
    static final Set<String> STRUCTURAL = Set.of("MSH", "EVN", "SFT", "UAC", "MSA", "ERR", "DSC", "ARV", "BHS", "BTS",
            "FHS", "FTS", "TQ1", "TQ2", "QAK", "QPD", "RCP");

    /**
     * Message types (MSH-9.1) read and set aside as HL7_NOT_CLINICAL: billing (BAR, DFT), acknowledgements (ACK,
     * MCF), master files (MFN, MFK, MFD, MFQ, MFR), queries without clinical content (QBP, QRY, QCN, QSB, QVR),
     * network, personnel and equipment messages (NMD, NMQ, NMR, PMU, EAC, EAN, EAR, ESU, ESR, INR, INU, LSU, LSR,
     * SSU, SSR, TCU, TCR). Nothing in them is what a clinician searches for.
     */
    static final Set<String> NOT_CLINICAL = Set.of("BAR", "DFT", "ACK", "MCF", "MFN", "MFK", "MFD", "MFQ", "MFR",
            "QBP", "QRY", "QCN", "QSB", "QVR", "NMD", "NMQ", "NMR", "PMU", "EAC", "EAN", "EAR", "ESU", "ESR", "INR",
            "INU", "LSU", "LSR", "SSU", "SSR", "TCU", "TCR");

    /** The {@code unmapped} entry that counts character-set escapes left as text. */
    static final String CHARSET_ESCAPE = "charset-escape";

    /** Supported "type^event" -> mapper. Everything else is HL7_UNSUPPORTED_TYPE. */
    static final Map<String, MessageMapper> REGISTRY = registry();

    private final PatientKeyResolver resolver;
    private final Hl7Time time;

    public Hl7v2Mapper(PatientKeyResolver resolver, ZoneId defaultZone) {
        this.resolver = resolver;
        this.time = new Hl7Time(defaultZone);
    }

    private static Map<String, MessageMapper> registry() {
        Map<String, MessageMapper> m = new HashMap<>();
        AdtMapper adt = new AdtMapper();
        for (String e : List.of("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A11", "A12",
                "A13", "A28", "A31")) {
            m.put("ADT^" + e, adt);
        }
        m.put("ADT^A29", new AdtDeleteMapper());
        m.put("ADT^A34", new AdtMergeMapper());
        m.put("ADT^A40", new AdtMergeMapper());
        m.put("ADT^A47", new AdtMergeMapper()); // change identifier: MRG-1's key is retired into PID-3's
        m.put("ADT^A24", new AdtLinkMapper(true));
        m.put("ADT^A37", new AdtLinkMapper(false));
        m.put("ADT^A60", new AllergyUpdateMapper());
        MdmMapper mdm = new MdmMapper();
        for (int t = 1; t <= 11; t++) {
            m.put(String.format("MDM^T%02d", t), mdm);
        }
        OruMapper results = new OruMapper();
        m.put("ORU^R01", results);
        for (String e : List.of("R21", "R22", "R23", "R24")) {
            m.put("OUL^" + e, results); // unsolicited lab observations: results like ORU
        }
        for (String e : List.of("PC1", "PC2", "PC3")) {
            m.put("PPR^" + e, new ProblemMapper());
        }
        ReferralMapper referrals = new ReferralMapper();
        for (String e : List.of("I12", "I13", "I14", "I15")) {
            m.put("REF^" + e, referrals);
            m.put("RRI^" + e, referrals);
        }
        OrderMapper orders = new OrderMapper(false);
        m.put("ORM^O01", orders);
        m.put("OMG^O19", orders);
        m.put("RSP^K11", orders); // immunization history answer: RXA as in VXU
        m.put("RDS^O13", orders); // RXD -> MedicationDispense
        m.put("RAS^O17", new OrderMapper(true)); // RXA -> MedicationAdministration
        m.put("OML^O21", orders);
        m.put("RDE^O11", orders);
        m.put("RDE^O01", orders); // pre-2.4 pharmacy encoded order
        m.put("RDE^O25", orders); // refill authorisation: RXE as in O11
        m.put("VXU^V04", orders);
        SiuMapper siu = new SiuMapper();
        for (int e = 12; e <= 26; e++) {
            m.put("SIU^S" + e, siu); // new, reschedule, modify, cancel, discontinue, delete, service/resource changes
        }
        return Map.copyOf(m);
    }

    public static boolean supports(String type, String event) {
        return REGISTRY.containsKey(type + "^" + event);
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        String text = Er7.normalise(raw.payload());
        Er7Parser.MessageType type = Er7Parser.messageType(text);
        if (type == null) {
            return MappingResult.Rejected.of(ReasonCodes.HL7_PARSE_ERROR);
        }
        MessageMapper mapper = REGISTRY.get(type.type() + "^" + type.event());
        if (mapper == null) {
            return MappingResult.Rejected.of(NOT_CLINICAL.contains(type.type()) ? ReasonCodes.HL7_NOT_CLINICAL
                    : ReasonCodes.HL7_UNSUPPORTED_TYPE);
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
        Map<String, Integer> unmapped = ctx.unmapped(STRUCTURAL);
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
