package org.ehrflow.cdcmap;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The columns a table's mapping reads. A change event whose row lacks one of them (the column was dropped or
 * renamed while running) cannot be mapped correctly, and goes to the DLQ instead.
 */
public final class UsedColumns {

    private UsedColumns() {
    }

    public static Set<String> of(TableMapping t) {
        Set<String> used = new LinkedHashSet<>(t.key());
        PatientSpec p = t.patient();
        if (p.identifierColumn() != null) {
            used.add(p.identifierColumn());
        }
        used.addAll(p.columns());
        used.addAll(t.id().columns());
        used.addAll(FileCheck.templateColumns(t.id().template()));
        t.deleteWhen().forEach(d -> used.add(d.column()));
        for (Element e : t.elements()) {
            used.addAll(e.columns());
            used.addAll(e.ifAny());
            used.addAll(e.unless());
            e.parts().values().stream().filter(s -> s != null && s.isColumn()).forEach(s -> used.add(s.column()));
        }
        return used;
    }
}
