package org.ehrflow.ehrsim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EhrMariaDbTest {

    @Test
    void scriptHasTheSevenDemoTablesInMariaDbTypes() {
        String[] sql = ClinicMariaDb.statements(EhrMariaDb.SCRIPT);

        assertThat(sql[0]).startsWith("CREATE DATABASE IF NOT EXISTS ehr");
        assertThat(sql).filteredOn(s -> s.startsWith("CREATE TABLE ehr.")).extracting(s -> s.split("[ (]")[2])
                .containsExactly("ehr.patients", "ehr.encounters", "ehr.notes", "ehr.lab_results",
                        "ehr.medication_orders", "ehr.allergies", "ehr.diagnoses", "ehr.cdc_heartbeat");
        assertThat(sql).noneMatch(s -> s.contains("--") || s.endsWith(";"));
        String all = String.join("\n", sql);
        // timestamptz as MariaDB's instant type, never with the implicit ON UPDATE; no cascades (not binlogged)
        assertThat(all).contains("started_at   timestamp(6) NULL DEFAULT NULL", "value_numeric   double")
                .doesNotContain("CASCADE").doesNotContain("datetime(6) NULL");
    }
}
