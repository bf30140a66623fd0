package org.ehrflow.cdcmap;

import java.util.List;

/**
 * Who the row belongs to. Either the table holds patients ({@code identifierColumn} in {@code system}, identifier
 * type {@code identifierType}, resolved to the patient key), or its rows name a patient of another mapped table
 * ({@code table}, through {@code columns}), whose key the normaliser learned when it mapped that table's row.
 */
public record PatientSpec(String identifierColumn, String system, String identifierType, String table,
        List<String> columns, int line) {

    public PatientSpec {
        columns = List.copyOf(columns);
    }

    public boolean definesPatients() {
        return identifierColumn != null;
    }
}
