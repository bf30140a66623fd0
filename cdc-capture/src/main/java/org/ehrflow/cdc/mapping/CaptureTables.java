package org.ehrflow.cdc.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.cdcmap.TableMapping;

/**
 * What capture needs from the mapping file: which tables to capture, and for each the columns that name the
 * row's patient (the raw topic key, so one patient's changes stay in order on one partition).
 *
 * @param keyPrefix raw key prefix: the patients table's learned-link prefix and ':' ("ehr-patient:")
 * @param patientColumns "schema.table" -> patient columns (the patients table: its key)
 * @param keyColumns     "schema.table" -> primary-key columns (source message ids)
 */
public record CaptureTables(String schema, String keyPrefix, Map<String, List<String>> patientColumns,
        Map<String, List<String>> keyColumns) {

    /** The demo EHR's tables (cdc-mapping's demo-ehr.yaml). */
    public static final CaptureTables DEMO = of(MappingLoader.load(MappingLoader.DEMO, null));

    public static CaptureTables of(CdcMapping m) {
        Map<String, List<String>> patient = new LinkedHashMap<>();
        Map<String, List<String>> key = new LinkedHashMap<>();
        String prefix = null;
        for (TableMapping t : m.all()) {
            String q = m.schema() + "." + t.name();
            key.put(q, t.key());
            if (t.patient().definesPatients()) {
                patient.put(q, t.key());
                prefix = t.learn() + ":";
            } else {
                patient.put(q, t.patient().columns());
            }
        }
        if (prefix == null) {
            throw new IllegalArgumentException(m.file() + ": no table defines patients (patient: {identifier: ...})");
        }
        return new CaptureTables(m.schema(), prefix, Collections.unmodifiableMap(patient),
                Collections.unmodifiableMap(key));
    }

    /** Debezium's table.include.list: the mapped tables, in file order. */
    public String includeList() {
        return String.join(",", keyColumns.keySet());
    }
}
