package org.ehrflow.ops.deploy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * One-shot set-up of the databases for docker-compose: cdc-capture's migrations (schema, capture role,
 * publication, heartbeat table) and the capture role's password, then the least-privileged roles of
 * {@link DatabaseRoles} (the sink owns the vector database only, the retrieval role reads it, nothing is open to
 * PUBLIC). Settings: EHRFLOW_OPS_INIT_EHR_JDBC_URL, EHRFLOW_OPS_INIT_RAG_JDBC_URL, EHRFLOW_OPS_INIT_ADMIN_USER,
 * EHRFLOW_OPS_INIT_ADMIN_PASSWORD, EHRFLOW_OPS_INIT_CDC_PASSWORD, EHRFLOW_OPS_INIT_SINK_PASSWORD (each password also
 * as a *_FILE).
 */
public final class EhrDatabaseInit {

    private EhrDatabaseInit() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        ConfigReader r = new ConfigReader(env, "EHRFLOW_OPS_INIT_");
        String url = r.requiredString("EHR_JDBC_URL");
        String admin = r.string("ADMIN_USER", "postgres");
        Secret adminPassword = r.secret("ADMIN_PASSWORD", "");
        Secret cdcPassword = r.secret("CDC_PASSWORD", "");
        String ragUrl = r.requiredString("RAG_JDBC_URL");
        Secret sinkPassword = r.secret("SINK_PASSWORD", "");
        r.check(!cdcPassword.value().isEmpty(), r.key("CDC_PASSWORD") + " is required");
        r.check(!sinkPassword.value().isEmpty(), r.key("SINK_PASSWORD") + " is required");
        r.validate();
        int ran = EhrSchema.migrate(url, admin, adminPassword, cdcPassword);
        System.out.println("EHR database ready: " + ran + " migrations applied");
        Properties p = new Properties();
        p.setProperty("user", admin);
        p.setProperty("password", adminPassword.value());
        try (Connection ehr = DriverManager.getConnection(url, p); Connection rag = DriverManager.getConnection(ragUrl,
                p)) {
            DatabaseRoles.apply(ehr, rag.getCatalog(), ehr.getCatalog(), sinkPassword);
            DatabaseRoles.grantCapture(ehr, ehr.getCatalog());
            DatabaseRoles.prepareVectorDatabase(rag);
        } catch (SQLException e) {
            System.err.println("database roles could not be set up: SQLSTATE " + e.getSQLState());
            System.exit(1);
        }
        System.out.println("roles ready: " + DatabaseRoles.SINK + "; no database open to PUBLIC");
    }
}
