package org.ehrflow.cdcmap;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The column types a mapping declares, and the database catalog's type names they stand for. */
public final class ColumnTypes {

    public static final Set<String> KNOWN = Set.of("bigint", "integer", "text", "timestamptz", "timestamp", "date",
            "double", "numeric", "boolean");
    /** Types whose values are whole numbers (ids, keys). */
    public static final Set<String> INTEGRAL = Set.of("bigint", "integer");
    public static final Set<String> NUMERIC = Set.of("bigint", "integer", "double", "numeric");
    public static final Set<String> TIMESTAMP = Set.of("timestamptz", "timestamp");

    private static final Map<String, String> CATALOG = Map.ofEntries(
            Map.entry("bigint", "bigint"), Map.entry("int8", "bigint"), Map.entry("bigserial", "bigint"),
            Map.entry("integer", "integer"), Map.entry("int", "integer"), Map.entry("int4", "integer"),
            Map.entry("smallint", "integer"), Map.entry("mediumint", "integer"), Map.entry("tinyint", "integer"),
            Map.entry("text", "text"), Map.entry("character varying", "text"), Map.entry("varchar", "text"),
            Map.entry("character", "text"), Map.entry("char", "text"), Map.entry("longtext", "text"),
            Map.entry("mediumtext", "text"), Map.entry("timestamp with time zone", "timestamptz"),
            Map.entry("timestamptz", "timestamptz"), Map.entry("timestamp without time zone", "timestamp"),
            Map.entry("timestamp", "timestamp"), Map.entry("datetime", "timestamp"), Map.entry("date", "date"),
            Map.entry("double precision", "double"), Map.entry("double", "double"), Map.entry("real", "double"),
            Map.entry("float", "double"), Map.entry("numeric", "numeric"), Map.entry("decimal", "numeric"),
            Map.entry("boolean", "boolean"), Map.entry("bool", "boolean"));

    private ColumnTypes() {
    }

    /** The mapping type a catalog type name stands for, or the name itself when it has none (then it mismatches). */
    public static String fromCatalog(String catalogType) {
        String t = catalogType.toLowerCase(Locale.ROOT).strip();
        return CATALOG.getOrDefault(t, t);
    }
}
