package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.ehrflow.api.auth.TextLevel;

/**
 * The two reader logins: raw text ({@code ehrflow_reader}) and de-identified text ({@code ehrflow_deid_reader}).
 * Every transaction names its patient first ({@code SET LOCAL ehrflow.patient_key}), so row-level security shows
 * that patient only, whatever the statement; a de-identified request cannot read raw text even by mistake,
 * because its login has no grant on it.
 */
public final class Readers implements AutoCloseable {

    private final ConnectionPool raw;
    private final ConnectionPool deid;

    public Readers(ConnectionPool raw, ConnectionPool deid) {
        this.raw = raw;
        this.deid = deid;
    }

    /** Runs {@code work} in a transaction of the login for {@code level}, scoped to {@code patientKey}. */
    public <T> T forPatient(TextLevel level, String patientKey, ConnectionPool.SqlWork<T> work) throws SQLException {
        return (level == TextLevel.RAW ? raw : deid).inTransaction(c -> {
            scope(c, patientKey);
            return work.run(c);
        });
    }

    static void scope(Connection c, String patientKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            ps.setString(1, patientKey);
            ps.executeQuery().close();
        }
    }

    @Override
    public void close() {
        raw.close();
        deid.close();
    }
}
