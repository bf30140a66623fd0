package org.ehrflow.cdcmap;

import java.util.List;
import java.util.Map;

/**
 * The mapping of one source table to one FHIR R4 resource type.
 *
 * @param name       table name (without schema)
 * @param resource   FHIR resource type
 * @param key        primary-key columns (source message id, link keys)
 * @param columns    every column the mapping knows, by name, in file order
 * @param learn      link prefix this table teaches ("ehr-patient": key -> patient key, or -> resource id for a
 *                   non-patient table); null if none
 * @param deleteWhen rows matching any of these become DELETE records (entered-in-error, soft delete)
 */
public record TableMapping(String name, int line, String resource, List<String> key, Map<String, Column> columns,
        IdSpec id, PatientSpec patient, String learn, List<Condition> deleteWhen, List<Element> elements) {

    public TableMapping {
        key = List.copyOf(key);
        columns = Map.copyOf(columns);
        deleteWhen = List.copyOf(deleteWhen);
        elements = List.copyOf(elements);
    }
}
