package org.ehrflow.cdcmap;

import java.util.Set;
import java.util.TreeSet;

/** Whether an element's conversion fits the declared type of the column it reads. */
final class TypeCheck {

    private TypeCheck() {
    }

    static void element(TableMapping t, Element e, Problems p) {
        Source v = e.part("value");
        if ("quantity".equals(e.kind())) {
            fits(t, e, v, ColumnTypes.NUMERIC, "a quantity's value", p);
        }
        if (!"value".equals(e.kind()) || v == null || !v.isColumn() || e.as() == null) {
            return;
        }
        switch (e.as()) {
            case "dateTime", "instant" -> fits(t, e, v, Set.of("timestamptz", "timestamp", "date", "text"),
                    "as: " + e.as(), p);
            case "date" -> fits(t, e, v, Set.of("date", "text"), "as: date", p);
            case "decimal", "integer" -> fits(t, e, v, ColumnTypes.NUMERIC, "as: " + e.as(), p);
            case "boolean" -> fits(t, e, v, Set.of("boolean"), "as: boolean", p);
            default -> {
                // strings, codes and text conversions read any column as text
            }
        }
    }

    private static void fits(TableMapping t, Element e, Source s, Set<String> types, String what, Problems p) {
        Column c = s == null || !s.isColumn() ? null : t.columns().get(s.column());
        if (c != null && !types.contains(c.type())) {
            p.add(e.line(), "table " + t.name() + ": " + e.path() + ": " + what + " needs a column of type "
                    + new TreeSet<>(types)
                    + ", " + c.name() + " is " + c.type());
        }
    }
}
