package org.ehrflow.ehrsim;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.ehrflow.runtime.Secret;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.PGConnection;

/**
 * The demo EHR database schema ({@code ehr.patients/encounters/notes}), the capture role {@code ehrflow_cdc}, the
 * publication and the heartbeat table, as versioned Flyway migrations under {@code db/ehr}.
 */
public final class EhrSchema {

    /** The replication role the migrations create; {@link #migrate} sets its password. */
    public static final String CDC_ROLE = "ehrflow_cdc";
    /** The schema holding the EHR tables and Flyway's history of them. */
    public static final String SCHEMA = "ehr";

    private EhrSchema() {
    }

    /**
     * Applies pending migrations as an admin user (owner of the tables, allowed to create roles and publications),
     * then sets the capture role's password.
     *
     * @return how many migrations ran
     */
    public static int migrate(String jdbcUrl, String user, Secret password, Secret cdcRolePassword) {
        MigrateResult result = Flyway.configure()
                .dataSource(jdbcUrl, user, password.value())
                .locations("classpath:db/ehr")
                .schemas(SCHEMA)
                .table("flyway_schema_history")
                .createSchemas(true)
                .load()
                .migrate();
        setRolePassword(jdbcUrl, user, password, cdcRolePassword);
        return result.migrationsExecuted;
    }

    // A SCRAM verifier computed by the driver: the plain password never travels to the server or its logs.
    private static void setRolePassword(String jdbcUrl, String user, Secret password, Secret rolePassword) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try (Connection conn = DriverManager.getConnection(jdbcUrl, p)) {
            conn.unwrap(PGConnection.class).alterUserPassword(CDC_ROLE, rolePassword.value().toCharArray(),
                    "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the password of " + CDC_ROLE + " (SQLSTATE " + e.getSQLState()
                    + ")");
        }
    }
}
