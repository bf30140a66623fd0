package org.ehrflow.normalizer.mapping.cdc;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.ehrflow.cdcmap.Element;
import org.ehrflow.cdcmap.Source;
import org.ehrflow.cdcmap.TableMapping;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;

/**
 * One element rule of a mapping file, compiled once (path split, code table loaded, conversion chosen) and
 * applied to each row. References and the patient come resolved from {@link TableMapper}.
 */
final class ElementRule {

    final Element e;
    final String[] segments;
    private final CodeTable codeTable;
    private final String as;
    private final ValueReader reader;
    private final CdcFunctions functions;

    ElementRule(Element e, TableMapping t, ValueReader reader, CdcFunctions functions) {
        this.e = e;
        this.segments = e.path().split("\\.");
        this.codeTable = e.codeTable() == null ? null : CodeTable.load(e.codeTable());
        Source v = e.part("value");
        this.as = e.as() != null ? e.as()
                : v != null && v.isColumn() ? ValueReader.forType(t.columns().get(v.column()).type()) : "string";
        this.reader = reader;
        this.functions = functions;
    }

    boolean applies(CdcEvent ev) {
        if (!e.ifAny().isEmpty() && e.ifAny().stream().allMatch(c -> ev.text(c) == null)) {
            return false;
        }
        return e.unless().stream().allMatch(c -> ev.text(c) == null);
    }

    /** The value for a kind that reads the row (not reference/patient), or null to leave the element out. */
    Base value(CdcEvent ev) {
        return switch (e.kind()) {
            case "value" -> primitive(ev, text(ev, e.part("value")));
            case "concept" -> concept(ev);
            case "coding" -> {
                String code = code(ev);
                yield code == null ? null : new Coding(system(), code, text(ev, e.part("display")));
            }
            case "quantity" -> quantity(ev);
            case "join" -> {
                String s = e.columns().stream().map(ev::text).filter(Objects::nonNull)
                        .collect(Collectors.joining(e.separator()));
                yield s.isEmpty() ? null : new StringType(s);
            }
            case "function" -> functions.value(e.function(), e.columns().stream().map(ev::text).toList());
            default -> throw new IllegalStateException("kind " + e.kind() + " is resolved by the table");
        };
    }

    /** The fallback value, converted like the column's values; null when the rule has none. */
    Base fallback(CdcEvent ev) {
        return e.fallback() == null ? null : reader.convert(as, e.fallback(), ev, null);
    }

    private Base primitive(CdcEvent ev, String raw) {
        String v = mapped(raw);
        if (v == null) {
            return fallback(ev);
        }
        Source s = e.part("value");
        // A value changed by map/codeTable is a code, no longer the column's own value: convert the text.
        boolean own = v == raw && s.isColumn();
        return reader.convert(as, v, ev, own ? s.column() : null);
    }

    private String mapped(String raw) {
        String v = raw;
        if (v != null && e.map() != null) {
            v = e.map().get(v);
        }
        if (v != null && codeTable != null) {
            v = codeTable.get(v);
        }
        return v;
    }

    private CodeableConcept concept(CdcEvent ev) {
        String code = code(ev);
        String text = text(ev, e.part("text"));
        if (code == null && text == null) {
            return null;
        }
        CodeableConcept c = new CodeableConcept();
        if (code != null) {
            c.addCoding(new Coding(system(), code, text(ev, e.part("display"))));
        }
        return c.setText(text);
    }

    private Quantity quantity(CdcEvent ev) {
        Source v = e.part("value");
        BigDecimal value = v == null ? null : v.isColumn() ? ev.decimal(v.column()) : new BigDecimal(v.constant());
        if (value == null) {
            return null;
        }
        Quantity q = new Quantity().setValue(value);
        String unit = text(ev, e.part("unit"));
        if (unit != null) {
            q.setUnit(unit).setSystem(system()).setCode(unit);
        }
        return q;
    }

    private String code(CdcEvent ev) {
        return mapped(text(ev, e.part("code")));
    }

    private String system() {
        Source s = e.part("system");
        return s == null ? null : s.constant();
    }

    private static String text(CdcEvent ev, Source s) {
        if (s == null) {
            return null;
        }
        return s.isColumn() ? ev.text(s.column()) : s.constant();
    }

    static List<String> values(CdcEvent ev, List<String> columns) {
        return columns.stream().map(ev::text).toList();
    }
}
