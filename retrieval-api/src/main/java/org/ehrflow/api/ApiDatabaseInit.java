package org.ehrflow.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.ehrflow.api.audit.AuditMigrations;
import org.ehrflow.api.store.ConnectionFactory;
import org.ehrflow.runtime.ConfigReader;
import org.ehrflow.runtime.Secret;

/**
 * One-shot set-up for a deployment (compose's {@code api-init}): runs the audit migrations as the owner and creates
 * the API's three logins in their roles if missing, setting their passwords. Needs the sink's migrations first
 * (the reader roles). Settings: {@code EHRFLOW_API_JDBC_URL}, {@code EHRFLOW_API_INIT_ADMIN_USER/_PASSWORD} (an
 * owner with CREATEROLE), and the passwords of {@code EHRFLOW_API_READER_USER}, {@code EHRFLOW_API_DEID_USER},
 * {@code EHRFLOW_API_AUDITOR_USER}.
 */
public final class ApiDatabaseInit {

    private ApiDatabaseInit() {
    }

    public static void main(String[] args) throws SQLException {
        run(System.getenv());
    }

    /** Runs the set-up with {@code env} as the environment (the demo passes its own). */
    public static void run(Map<String, String> env) throws SQLException {
        ConfigReader r = new ConfigReader(env, ApiConfig.PREFIX);
        String url = r.requiredString("JDBC_URL");
        String admin = r.requiredString("INIT_ADMIN_USER");
        Secret adminPassword = r.secret("INIT_ADMIN_PASSWORD", "");
        String reader = r.string("READER_USER", "rag_api");
        Secret readerPassword = r.secret("READER_PASSWORD", "");
        String deid = r.string("DEID_USER", "rag_api_deid");
        Secret deidPassword = r.secret("DEID_PASSWORD", "");
        String auditor = r.string("AUDITOR_USER", "rag_auditor");
        Secret auditorPassword = r.secret("AUDITOR_PASSWORD", "");
        for (String login : new String[] {reader, deid, auditor}) {
            r.check(login.matches("[a-z_][a-z0-9_]{0,62}"), "login names must be lower-case identifiers: " + login);
        }
        r.check(!readerPassword.value().isEmpty() && !deidPassword.value().isEmpty()
                && !auditorPassword.value().isEmpty(), r.key("READER_PASSWORD") + ", " + r.key("DEID_PASSWORD")
                + " and " + r.key("AUDITOR_PASSWORD") + " are required");
        r.validate();
        AuditMigrations.run(url, admin, adminPassword);
        try (Connection c = ConnectionFactory.of(url, admin, adminPassword, "ehrflow-api-init").open()) {
            login(c, reader, readerPassword, "ehrflow_reader, ehrflow_audit_writer");
            login(c, deid, deidPassword, "ehrflow_deid_reader");
            login(c, auditor, auditorPassword, "ehrflow_auditor");
        }
    }

    private static void login(Connection c, String name, Secret password, String roles) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String literal;
        try (PreparedStatement q = c.prepareStatement("SELECT quote_literal(?)")) {
            q.setString(1, password.value());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                literal = rs.getString(1);
            }
        }
        // names are validated identifiers; the password is quoted by the server (DDL takes no parameters)
        try (Statement st = c.createStatement()) {
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + name + " LOGIN PASSWORD " + literal);
            st.execute("GRANT " + roles + " TO " + name);
            // The vector database is closed to PUBLIC (ops DatabaseRoles): each login is let in by name.
            st.execute("GRANT CONNECT ON DATABASE \"" + c.getCatalog().replace("\"", "\"\"") + "\" TO " + name);
        }
    }
}
