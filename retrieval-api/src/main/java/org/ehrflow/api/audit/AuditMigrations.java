package org.ehrflow.api.audit;

import org.ehrflow.runtime.Secret;
import org.flywaydb.core.Flyway;

/**
 * Brings schema {@code ehrflow_audit} up to date: its own Flyway location and history table, so the audit
 * trail can be owned by another principal than the vector store and never mixes with the sink's migrations.
 */
public final class AuditMigrations {

    public static final String LOCATION = "classpath:db/migration/retrieval-api";
    public static final String SCHEMA = "ehrflow_audit";

    private AuditMigrations() {
    }

    public static void run(String url, String user, Secret password) {
        Flyway.configure()
                .dataSource(url, user, password.value())
                .schemas(SCHEMA)
                .createSchemas(true)
                .locations(LOCATION)
                .load()
                .migrate();
    }
}
