package org.ehrflow.sink.store;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.ehrflow.runtime.Secret;

/**
 * The sink's one PostgreSQL connection, reopened after a fault. Not thread-safe: only the poll thread uses it.
 * Transactions are explicit (auto-commit off).
 */
public final class PgSession implements AutoCloseable {

    private final String url;
    private final Properties props = new Properties();
    private Connection connection;
    private long generation;

    public PgSession(String url, String user, Secret password) {
        this.url = url;
        props.setProperty("user", user);
        props.setProperty("password", password.value());
        props.setProperty("ApplicationName", "embedder-sink");
        // Lets executeBatch send one multi-row INSERT instead of one statement per row.
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "120");
    }

    /** The open connection, connecting (and registering the vector type) if there is none. */
    public Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection c = DriverManager.getConnection(url, props);
            try {
                c.setAutoCommit(false);
                PGvector.addVectorType(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
            generation++;
        }
        return connection;
    }

    /**
     * How many connections this session has opened. A new one may talk to a database that lost commits the old
     * one saw acknowledged (crash without fsync, failover to an asynchronous replica, a restored backup), so
     * whatever the caller remembers about the database must be checked again when this changes.
     */
    public long generation() {
        return generation;
    }

    /** Rolls back if possible and drops the connection, so the next {@link #get()} starts clean. */
    public void reset() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The connection is already broken; nothing more to release.
            }
            connection = null;
        }
    }

    /** Ends a read-only transaction without keeping its snapshot. */
    public void endRead() throws SQLException {
        get().rollback();
    }

    @Override
    public void close() {
        reset();
    }
}
