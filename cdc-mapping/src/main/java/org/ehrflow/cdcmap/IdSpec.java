package org.ehrflow.cdcmap;

import java.util.List;

/**
 * How the FHIR id of a table's resource is formed: {@code patient} (the Patient id of the row's patient key),
 * {@code template} ("cdc-note-{id}": columns in braces), or {@code function} (a named function over
 * {@code columns}, with {@code template} as the fallback when it gives none).
 */
public record IdSpec(String kind, String template, String function, List<String> columns, int line) {

    public IdSpec {
        columns = List.copyOf(columns);
    }
}
