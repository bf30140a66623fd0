package org.ehrflow.ehrsim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClinicMariaDbTest {

    @Test
    void scriptSplitsIntoItsStatementsWithoutComments() {
        String[] sql = ClinicMariaDb.statements();

        assertThat(sql).hasSize(7);
        assertThat(sql[0]).startsWith("CREATE DATABASE IF NOT EXISTS clinic");
        assertThat(sql).filteredOn(s -> s.startsWith("CREATE TABLE clinic.")).hasSize(5);
        assertThat(sql).noneMatch(s -> s.contains("--") || s.endsWith(";"));
        // the columns the shared mapping (clinic-ehr.yaml) declares, in MariaDB's types
        assertThat(String.join("\n", sql)).contains("adm_dt        datetime(6)", "cancelled     boolean",
                "result_val   decimal(12, 4)", "body        mediumtext");
    }
}
