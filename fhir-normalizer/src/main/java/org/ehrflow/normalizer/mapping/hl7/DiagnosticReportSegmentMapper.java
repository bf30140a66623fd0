package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.model.Segment;
import java.util.List;
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
        String filler = Hl7Fields.get(obr, 3, 0, 1, 1); // OBR.3.1
        if (filler != null) {
            return "filler|" + namespace(obr, 3, ctx) + "|" + filler;
        }
        String placer = Hl7Fields.get(obr, 2, 0, 1, 1); // OBR.2.1
        if (placer != null) {
            return "placer|" + namespace(obr, 2, ctx) + "|" + placer;
        }
        return "msg|" + ctx.header().sendingSystem() + "|" + ctx.header().controlId() + "|" + obrPosition;
    }

    public static DiagnosticReport map(Segment obr, String orderKey, List<Observation> results, Hl7Context ctx) {
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
