package org.ehrflow.normalizer.mapping.hl7;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/**
 * OBX -> Observation (V2-to-FHIR IG "OBX[Observation]"): code OBX-3, value by OBX-2 ({@link ObxValues}), units
 * OBX-6, reference range OBX-7, interpretation OBX-8, status OBX-11, effective time OBX-14 (else the OBR's
 * observation time OBR-7, else MSH-7).
 */
public final class ObservationSegmentMapper {

    private static final CodeTable STATUS = CodeTable.load("observation-status");
    private static final CodeTable INTERPRETATION = CodeTable.load("interpretation");
    private static final String V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final Pattern RANGE = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*(?:-|to)\\s*(-?\\d+(?:\\.\\d+)?)\\s*");

    private ObservationSegmentMapper() {
    }

    /**
     * @param orderKey  identity of the OBR this OBX belongs to (see {@link Ids})
     * @param position  1-based position of the OBX under its OBR
     * @param orderTime OBR-7 as sent, or null
     */
    public static Observation map(Segment obx, String orderKey, int position, String orderTime, Hl7Context ctx) {
        Observation o = new Observation();
        o.setId(Ids.observation(orderKey, position));
        String status = STATUS.getOrDefault(Hl7Fields.get(obx, 11), "unknown"); // OBX.11
        o.setStatus(Observation.ObservationStatus.fromCode(status));
        CodeableConcept code = Hl7Codes.concept(obx, 3, 0); // OBX.3
        o.setCode(code != null ? code : new CodeableConcept().setText("unspecified"));
        o.setSubject(ctx.patientRef());
        if (ctx.encounterRef() != null) {
            o.setEncounter(ctx.encounterRef());
        }
        String effective = ctx.time().toDateTime(firstNonNull(Hl7Fields.get(obx, 14), orderTime,
                ctx.header().messageTime())); // OBX.14
        if (effective != null) {
            o.getEffectiveDateTimeType().setValueAsString(effective);
        }
        ObxValues.apply(obx, o, ctx.time());
        String range = Hl7Fields.get(obx, 7); // OBX.7
        if (range != null) {
            Observation.ObservationReferenceRangeComponent rr = o.addReferenceRange().setText(range);
            Matcher m = RANGE.matcher(range);
            if (m.matches() && o.getValue() instanceof Quantity q) {
                rr.setLow(bound(m.group(1), q));
                rr.setHigh(bound(m.group(2), q));
            }
        }
        for (int r = 0; r < Hl7Fields.reps(obx, 8); r++) {
            String flag = Hl7Fields.get(obx, 8, r, 1, 1); // OBX.8
            if (flag != null) {
                String display = INTERPRETATION.get(flag);
                Coding c = new Coding(display != null ? V3_INTERPRETATION : null, flag.toUpperCase(Locale.ROOT),
                        display);
                o.addInterpretation(new CodeableConcept().addCoding(c));
            }
        }
        return o;
    }

    private static org.hl7.fhir.r4.model.SimpleQuantity bound(String value, Quantity unitOf) {
        org.hl7.fhir.r4.model.SimpleQuantity q = new org.hl7.fhir.r4.model.SimpleQuantity();
        q.setValue(new BigDecimal(value));
        q.setUnit(unitOf.getUnit());
        q.setSystem(unitOf.getSystem());
        q.setCode(unitOf.getCode());
        return q;
    }

    static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
