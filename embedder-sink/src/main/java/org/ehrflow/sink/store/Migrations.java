package org.ehrflow.sink.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.ehrflow.runtime.Secret;
import org.ehrflow.sink.error.SinkFatalException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings schema {@code ehrflow} up to date with the SQL under {@code db/migration/embedder-sink} (its own folder,
 * so migrations of other modules on the same classpath are never mixed in): versioned {@code V__} files, released
 * ones never edited (ReleasedMigrationsTest), then the repeatable {@code R__search_functions.sql} with the read
 * functions as they are now. Checks first that
 * the server can be reached with the configured credentials and has pgvector, to fail with a precise message.
 */
public final class Migrations {

    public static final String LOCATION = "classpath:db/migration/embedder-sink";
    public static final String SCHEMA = "ehrflow";

    private Migrations() {
    }

    /** Runs pending migrations; throws {@link SinkFatalException} naming the setting when that cannot work. */
    public static void run(String url, String user, Secret password) {
        preflight(url, user, password);
        reconcileChecksums(url, user, password);
        try {
            Flyway.configure()
                    .dataSource(url, user, password.value())
                    .schemas(SCHEMA)
                    .createSchemas(true)
                    .locations(LOCATION)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            SQLException sql = sqlCause(e);
            throw sql != null ? SinkFatalException.ofSql("the migrations", sql)
                    : new SinkFatalException("migrations of schema ehrflow failed ("
                            + e.getClass().getSimpleName() + "): check the database of EHRFLOW_SINK_JDBC_URL", e);
        }
    }

    /** {@link SupersededChecksums}: earlier released texts of edited migrations are accepted, nothing else. */
    private static void reconcileChecksums(String url, String user, Secret password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try (Connection c = DriverManager.getConnection(url, p)) {
            SupersededChecksums.reconcile(c, SCHEMA);
        } catch (SQLException e) {
            throw SinkFatalException.ofSql("the migrations", e);
        }
    }

    private static void preflight(String url, String user, Secret password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                throw new SinkFatalException("the PostgreSQL server of EHRFLOW_SINK_JDBC_URL has no pgvector "
                        + "extension: install it (package postgresql-<version>-pgvector or from source)", null);
            }
        } catch (SQLException e) {
            throw SinkFatalException.ofSql("the connection", e);
        }
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }
}
