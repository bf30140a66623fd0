package org.ehrflow.cdcmap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole mapping file: the source's schema and its tables.
 *
 * @param file   the file's name (for problems)
 * @param schema the database schema the tables live in
 */
public record CdcMapping(String file, String schema, Map<String, TableMapping> tables) {

    public CdcMapping {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public TableMapping table(String name) {
        return tables.get(name);
    }

    public List<TableMapping> all() {
        return List.copyOf(tables.values());
    }
}
