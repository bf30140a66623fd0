package org.ehrflow.cdcmap;

import java.util.List;
import java.util.Map;

/**
 * One column-to-element rule: {@code path} (FHIR element names from the resource, dot-separated, {@code [n]} to
 * pick a list entry, {@code value[x]} for a choice) receives a value of kind {@code kind} built from
 * {@code parts}.
 *
 * <p>Kinds and their parts: {@code value} (part "value"; its column's type gives the FHIR type, {@code as}
 * overrides), {@code concept} and {@code coding} (system, code, display, text), {@code quantity} (value, unit,
 * system), {@code join} (the columns in {@code columns}, joined by {@code separator}), {@code reference} (another
 * mapped table {@code table}, the row's columns in {@code columns}), {@code patient} (Patient reference of the
 * row's patient), {@code function} (a named Java function over {@code columns}).
 *
 * @param ifAny     the rule applies only when one of these columns is not null (empty: always)
 * @param unless    the rule applies only when all of these columns are null
 * @param map       source value -> element code (a value missing from it then takes {@code fallback})
 * @param codeTable a code table applied to the value (normaliser's {@code codes/<name>.properties})
 * @param fallback  the value when the source is null, unmapped, or rejected by the element; null: leave out
 * @param as        value conversion: string, code, dateTime, date, instant, decimal, integer, boolean,
 *                  utf8Bytes, rtfText, htmlText; null: from the column type
 */
public record Element(String path, int line, String kind, Map<String, Source> parts, List<String> columns,
        String table, String function, String separator, List<String> ifAny, List<String> unless,
        Map<String, String> map, String codeTable, String fallback, String as) {

    public Element {
        parts = Map.copyOf(parts);
        columns = List.copyOf(columns);
        ifAny = List.copyOf(ifAny);
        unless = List.copyOf(unless);
        map = map == null ? null : Map.copyOf(map);
    }

    public Source part(String name) {
        return parts.get(name);
    }
}
