package org.ehrflow.chunker.chunking.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.Type;

/** Plain-text forms of FHIR data types for rendered sentences: displays over codes, short dates, rounded numbers. */
public final class FhirText {

    private static final MathContext FOUR_DIGITS = new MathContext(4);

    private FhirText() {
    }

    /** The concept's text, else its first coding's display, else its first code; null if empty. */
    public static String concept(CodeableConcept cc) {
        if (cc == null || cc.isEmpty()) {
            return null;
        }
        if (cc.hasText()) {
            return cc.getText();
        }
        for (Coding c : cc.getCoding()) {
            if (c.hasDisplay()) {
                return c.getDisplay();
            }
        }
        return cc.getCoding().stream().map(Coding::getCode).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The concepts joined with ", ", or null if none has a text form. */
    public static String concepts(List<CodeableConcept> ccs) {
        String s = ccs.stream().map(FhirText::concept).filter(Objects::nonNull).distinct()
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? null : s;
    }

    public static String coding(Coding c) {
        if (c == null || c.isEmpty()) {
            return null;
        }
        return c.hasDisplay() ? c.getDisplay() : c.getCode();
    }

    /** The date part of a date/time (yyyy-MM-dd, or coarser when that is all the source has). */
    public static String date(BaseDateTimeType dt) {
        if (dt == null || dt.isEmpty() || dt.getValueAsString() == null) {
            return null;
        }
        String s = dt.getValueAsString();
        return s.length() > 10 ? s.substring(0, 10) : s;
    }

    /** "from X to Y", "from X" or "until Y". */
    public static String period(Period p) {
        if (p == null || p.isEmpty()) {
            return null;
        }
        String start = date(p.getStartElement());
        String end = date(p.getEndElement());
        if (start != null && end != null) {
            return start.equals(end) ? "on " + start : "from " + start + " to " + end;
        }
        return start != null ? "from " + start : end != null ? "until " + end : null;
    }

    /** The first date a choice-typed element carries (a date/time, or a period's start). */
    public static String dateOf(Type t) {
        if (t instanceof BaseDateTimeType dt) {
            return date(dt);
        }
        if (t instanceof Period p) {
            return date(p.hasStart() ? p.getStartElement() : p.getEndElement());
        }
        return null;
    }

    /** A value of any of Observation.value[x]'s types as text, or null. */
    public static String value(Type t) {
        if (t == null || t.isEmpty()) {
            return null;
        }
        if (t instanceof Quantity q) {
            return quantity(q);
        }
        if (t instanceof CodeableConcept cc) {
            return concept(cc);
        }
        if (t instanceof BooleanType b) {
            return b.booleanValue() ? "yes" : "no";
        }
        if (t instanceof BaseDateTimeType dt) {
            return date(dt);
        }
        if (t instanceof Period p) {
            return period(p);
        }
        if (t instanceof Range r) {
            return range(r);
        }
        if (t instanceof Ratio r) {
            return quantity(r.getNumerator()) + " / " + quantity(r.getDenominator());
        }
        if (t instanceof SampledData) {
            return "sampled data";
        }
        if (t instanceof Reference r) {
            return r.hasDisplay() ? r.getDisplay() : null;
        }
        if (t instanceof Attachment a) {
            return a.hasTitle() ? a.getTitle() : null;
        }
        if (t instanceof PrimitiveType<?> p) {
            return p.getValueAsString();
        }
        return null;
    }

    public static String quantity(Quantity q) {
        if (q == null || q.isEmpty() || !q.hasValue()) {
            return null;
        }
        String comparator = q.hasComparator() ? q.getComparator().toCode() + " " : "";
        String unit = q.hasUnit() ? q.getUnit() : q.hasCode() ? q.getCode() : "";
        return (comparator + number(q.getValue()) + " " + unit).strip();
    }

    public static String range(Range r) {
        if (r == null || r.isEmpty()) {
            return null;
        }
        String low = quantity(r.getLow());
        String high = quantity(r.getHigh());
        if (low != null && high != null) {
            return low + " to " + high;
        }
        return low != null ? "at least " + low : high != null ? "at most " + high : null;
    }

    // Device readings carry float noise (83.14531190501731): four significant digits read as a clinician would.
    static String number(BigDecimal v) {
        BigDecimal r = v.scale() > 2 ? v.round(FOUR_DIGITS) : v;
        return r.stripTrailingZeros().toPlainString();
    }
}
