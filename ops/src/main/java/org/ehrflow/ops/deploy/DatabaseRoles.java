package org.ehrflow.ops.deploy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.ehrflow.runtime.Secret;

/**
 * One least-privileged PostgreSQL role per stage, set up once by an administrator (the compose file's init job):
 * <ul>
 *   <li>{@code ehrflow_sink} logs in, owns the vector database (it runs that database's migrations) and nothing
 *   else: it may not even connect to the EHR database;</li>
 *   <li>readers ({@code ehrflow_reader}, {@code ehrflow_deid_reader}, NOLOGIN) search under row-level security
 *   and cannot write; the retrieval API's logins are members (its own init job creates them and lets them in by
 *   name);</li>
 *   <li>{@code ehrflow_cdc} (created by the EHR migrations) connects to the EHR database only.</li>
 * </ul>
 * No database is open to {@code PUBLIC}. The {@code vector} extension needs a superuser (it is not a trusted
 * extension), so it is created here rather than by the sink's migration.
 */
public final class DatabaseRoles {

    public static final String SINK = "ehrflow_sink";

    private DatabaseRoles() {
    }

    /**
     * @param admin  a superuser connection to the cluster's maintenance database ({@code postgres})
     * @param ragDb  the vector database, {@code ehrDb} the EHR database (both exist)
     */
    public static void apply(Connection admin, String ragDb, String ehrDb, Secret sinkPassword) throws SQLException {
        try (Statement st = admin.createStatement()) {
            ensureRole(st, SINK, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
            // The sink's migrations grant to these and name them in row-level security policies.
            ensureRole(st, "ehrflow_reader", "NOLOGIN");
            ensureRole(st, "ehrflow_deid_reader", "NOLOGIN");
            st.execute("ALTER ROLE " + SINK + " PASSWORD " + literal(sinkPassword.value()));
            st.execute("ALTER DATABASE " + ident(ragDb) + " OWNER TO " + SINK);
            st.execute("REVOKE ALL ON DATABASE " + ident(ragDb) + " FROM PUBLIC");
            st.execute("REVOKE ALL ON DATABASE " + ident(ehrDb) + " FROM PUBLIC");
            st.execute("GRANT CONNECT ON DATABASE " + ident(ragDb) + " TO ehrflow_reader, ehrflow_deid_reader");
        }
    }

    /** In the vector database, as a superuser: what its owner may not do itself. */
    public static void prepareVectorDatabase(Connection adminToRag) throws SQLException {
        try (Statement st = adminToRag.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public");
            st.execute("ALTER SCHEMA public OWNER TO " + SINK);
        }
    }

    /** In the EHR database, once its migrations created the capture role. */
    public static void grantCapture(Connection admin, String ehrDb) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("GRANT CONNECT ON DATABASE " + ident(ehrDb) + " TO ehrflow_cdc");
        }
    }

    private static void ensureRole(Statement st, String role, String options) throws SQLException {
        st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                + "CREATE ROLE " + role + " " + options + "; END IF; END $$");
    }

    private static String ident(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        return name;
    }

    /** A quoted SQL literal: passwords cannot be bound as parameters in ALTER ROLE. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
