package org.ehrflow.normalizer.mapping.hl7;

import java.util.List;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * OBR -> DiagnosticReport (V2-to-FHIR IG "OBR[DiagnosticReport]"): code OBR-4, status OBR-25, effective time
 * OBR-7, identifiers from the filler (OBR-3) and placer (OBR-2) order numbers, results = the OBX observations.
 */
public final class DiagnosticReportSegmentMapper {

    private static final CodeTable STATUS = CodeTable.load("report-status");
    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private DiagnosticReportSegmentMapper() {
    }

    /** The order identity of an OBR, see {@link Ids}. */
    public static String orderKey(Segment obr, int obrPosition, Hl7Context ctx) {
        return orderKey(obr, null, obrPosition, ctx);
    }

    /**
     * The order identity of an order detail segment (OBR) with its ORC: filler number OBR-3, else placer OBR-2,
     * else ORC-3 / ORC-2 (the same numbers; many senders fill only ORC), else the message and position.
     * {@code detail} may be null (RXO, RXE, RXA carry no order numbers of their own).
     */
    public static String orderKey(Segment detail, Segment orc, int position, Hl7Context ctx) {
        String key = numbered(detail, 3, 2, ctx);
        if (key == null) {
            key = numbered(orc, 3, 2, ctx);
        }
        return key != null ? key : "msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId() + "|"
                + position;
    }

    private static String numbered(Segment s, int fillerField, int placerField, Hl7Context ctx) {
        if (s == null) {
            return null;
        }
        String filler = Hl7Fields.get(s, fillerField, 0, 1, 1); // filler order number EI.1
        if (filler != null) {
            return "filler|" + namespace(s, fillerField, ctx) + "|" + filler;
        }
        String placer = Hl7Fields.get(s, placerField, 0, 1, 1); // placer order number EI.1
        if (placer != null) {
            return "placer|" + namespace(s, placerField, ctx) + "|" + placer;
        }
        return null;
    }

    public static DiagnosticReport map(Segment obr, String orderKey, List<Observation> results, List<String> notes,
            Hl7Context ctx) {
        DiagnosticReport dr = new DiagnosticReport();
        dr.setId(Ids.diagnosticReport(orderKey));
        identifier(dr, obr, 2, "PLAC", ctx); // OBR.2
        identifier(dr, obr, 3, "FILL", ctx); // OBR.3
        dr.setStatus(DiagnosticReport.DiagnosticReportStatus.fromCode(
                STATUS.getOrDefault(Hl7Fields.get(obr, 25), "unknown"))); // OBR.25
        CodeableConcept code = Hl7Codes.concept(obr, 4, 0); // OBR.4
        dr.setCode(code != null ? code : new CodeableConcept().setText("unspecified"));
        dr.setSubject(ctx.patientRef());
        if (ctx.encounterRef() != null) {
            dr.setEncounter(ctx.encounterRef());
        }
        String effective = ctx.time().toDateTime(Hl7Fields.get(obr, 7)); // OBR.7
        if (effective != null) {
            dr.getEffectiveDateTimeType().setValueAsString(effective);
        }
        if (!notes.isEmpty()) {
            dr.setConclusion(String.join("\n", notes)); // NTE after OBR: the report's comments
        }
        for (Observation o : results) {
            dr.addResult(new Reference("Observation/" + o.getIdElement().getIdPart()));
        }
        return dr;
    }

    private static void identifier(DiagnosticReport dr, Segment obr, int field, String type, Hl7Context ctx) {
        String value = Hl7Fields.get(obr, field, 0, 1, 1);
        if (value != null) {
            dr.addIdentifier().setSystem(ctx.systemFor(Hl7Fields.get(obr, field, 0, 2, 1))).setValue(value)
                    .setType(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(V2_0203, type, null)));
        }
    }

    private static String namespace(Segment obr, int field, Hl7Context ctx) {
        String ns = Hl7Fields.get(obr, field, 0, 2, 1); // EI.2 namespace id
        if (ns == null) {
            ns = Hl7Fields.get(obr, field, 0, 3, 1); // EI.3 universal id
        }
        return ns != null ? ns : ctx.header().defaultAuthority();
    }
}
