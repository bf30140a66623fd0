package org.ehrflow.cdcmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a loaded mapping against the live schema read from the database catalog: every mapped table exists,
 * every declared column exists with a matching type. All problems are returned together, each with the line
 * of the table or column declaration. Live columns the file does not declare are not problems (not mapped).
 */
public final class SchemaCheck {

    private SchemaCheck() {
    }

    /**
     * @param live table -> column -> catalog type name (e.g. "timestamp with time zone", "varchar")
     */
    public static List<Problem> check(CdcMapping mapping, Map<String, Map<String, String>> live) {
        List<Problem> out = new ArrayList<>();
        for (TableMapping t : mapping.all()) {
            Map<String, String> cols = live.get(t.name());
            if (cols == null) {
                out.add(new Problem(mapping.file(), t.line(), "table " + qualified(mapping, t)
                        + " does not exist in the database (or the capture user cannot see it)"));
                continue;
            }
            for (Column c : t.columns().values()) {
                String actual = cols.get(c.name());
                if (actual == null) {
                    out.add(new Problem(mapping.file(), c.line(), "column " + t.name() + "." + c.name()
                            + " does not exist in the database"));
                } else if (!ColumnTypes.fromCatalog(actual).equals(c.type())) {
                    out.add(new Problem(mapping.file(), c.line(), "column " + t.name() + "." + c.name()
                            + " is declared " + c.type() + " but the database has " + actual));
                }
            }
        }
        return out;
    }

    /** Throws a {@link MappingException} naming every problem, if there are any. */
    public static void require(CdcMapping mapping, Map<String, Map<String, String>> live) {
        List<Problem> problems = check(mapping, live);
        if (!problems.isEmpty()) {
            throw new MappingException(problems);
        }
    }

    private static String qualified(CdcMapping m, TableMapping t) {
        return m.schema() == null ? t.name() : m.schema() + "." + t.name();
    }
}
