package org.ehrflow.ehrsim;

import org.ehrflow.runtime.Secret;

/**
 * The demo EHR on MariaDB: {@code db/ehr-mariadb/ehr_schema.sql}, the seven clinical tables of PostgreSQL's
 * {@code db/ehr} in MariaDB's types, so {@code demo-ehr.yaml} maps both. {@link EhrWriter} (and with it
 * {@link org.ehrflow.ehrsim.sim.EhrSimulator}) writes to it given a {@code jdbc:mysql:} URL.
 */
public final class EhrMariaDb {

    /** The database: the mapping's {@code schema: ehr}. */
    public static final String DATABASE = "ehr";
    static final String SCRIPT = "db/ehr-mariadb/ehr_schema.sql";

    private EhrMariaDb() {
    }

    /** Creates database {@code ehr} and its tables as an admin (root) over {@code jdbcUrl}. */
    public static void create(String jdbcUrl, String user, Secret password) {
        ClinicMariaDb.run(SCRIPT, "demo EHR", jdbcUrl, user, password);
    }
}
