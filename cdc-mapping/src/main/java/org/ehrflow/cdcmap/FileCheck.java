package org.ehrflow.cdcmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks a mapping against itself: every column used is declared, every table referenced is mapped. */
final class FileCheck {

    static final Set<String> AS = Set.of("string", "code", "dateTime", "date", "instant", "decimal", "integer",
            "boolean", "utf8Bytes", "rtfText", "htmlText", "richText");

    private FileCheck() {
    }

    static void check(CdcMapping mapping, Problems p) {
        for (TableMapping t : mapping.all()) {
            t.key().forEach(c -> declared(t, c, t.line(), "key", p));
            PatientSpec ps = t.patient();
            if (ps.definesPatients()) {
                declared(t, ps.identifierColumn(), ps.line(), "patient identifier", p);
            } else if (ps.table() != null) {
                linked(mapping, t, ps.table(), ps.columns(), ps.line(), "patient", p);
            }
            t.id().columns().forEach(c -> declared(t, c, t.id().line(), "id", p));
            if ("template".equals(t.id().kind()) || t.id().template() != null) {
                templateColumns(t.id().template()).forEach(c -> declared(t, c, t.id().line(), "id template", p));
            }
            t.deleteWhen().forEach(d -> declared(t, d.column(), d.line(), "deleteWhen", p));
            for (Element e : t.elements()) {
                List<String> used = new ArrayList<>(e.columns());
                used.addAll(e.ifAny());
                used.addAll(e.unless());
                e.parts().values().stream().filter(s -> s != null && s.isColumn()).forEach(s -> used.add(s.column()));
                used.forEach(c -> declared(t, c, e.line(), e.path(), p));
                if ("reference".equals(e.kind())) {
                    linked(mapping, t, e.table(), e.columns(), e.line(), e.path(), p);
                }
                if (e.as() != null && !AS.contains(e.as())) {
                    p.add(e.line(), "table " + t.name() + ": " + e.path() + ": unknown 'as: " + e.as() + "' (known: "
                            + AS + ")");
                }
                TypeCheck.element(t, e, p);
            }
        }
    }

    private static void linked(CdcMapping m, TableMapping t, String target, List<String> cols, int line, String what,
            Problems p) {
        TableMapping other = target == null ? null : m.table(target);
        if (other == null) {
            p.add(line, "table " + t.name() + ": " + what + " refers to table '" + target + "', which is not mapped");
        } else if (other.learn() == null) {
            p.add(line, "table " + t.name() + ": " + what + " refers to table '" + target
                    + "', which has no 'learn' link");
        }
        cols.forEach(c -> declared(t, c, line, what, p));
    }

    static void declared(TableMapping t, String column, int line, String what, Problems p) {
        if (column != null && !t.columns().containsKey(column)) {
            p.add(line, "table " + t.name() + ": " + what + " uses column '" + column + "', not in its columns");
        }
    }

    static List<String> templateColumns(String template) {
        List<String> out = new ArrayList<>();
        if (template == null) {
            return out;
        }
        int i = template.indexOf('{');
        while (i >= 0) {
            int j = template.indexOf('}', i);
            if (j < 0) {
                break;
            }
            out.add(template.substring(i + 1, j));
            i = template.indexOf('{', j);
        }
        return out;
    }
}
