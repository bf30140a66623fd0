package org.ehrflow.normalizer.mapping.hl7;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which HL7 v2 message types map, with which {@link MessageMapper}, and which are set aside by design. */
final class Hl7Registry {

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

    /** Supported "type^event" -> mapper. Everything else is HL7_UNSUPPORTED_TYPE. */
    static final Map<String, MessageMapper> REGISTRY = registry();

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

    private Hl7Registry() {
    }
}
