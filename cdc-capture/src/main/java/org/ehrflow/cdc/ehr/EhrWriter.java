package org.ehrflow.cdc.ehr;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;
import org.ehrflow.runtime.Secret;

/**
 * Writes synthetic rows into the demo EHR tables (demo and tests), as the EHR application would. Each call is
 * its own transaction, so each becomes its own change event. Errors carry the SQLSTATE only: PostgreSQL's
 * messages quote the offending values.
 */
public final class EhrWriter implements AutoCloseable {

    private final Connection conn;

    public EhrWriter(String jdbcUrl, String user, Secret password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try {
            this.conn = DriverManager.getConnection(jdbcUrl, p);
            conn.setAutoCommit(true);
            // Commit durably, as an EHR would: logical decoding only sends flushed WAL, so a throw-away cluster's
            // synchronous_commit=off would add up to wal_writer_delay (200 ms) to every change's capture latency.
            try (var st = conn.createStatement()) {
                st.execute("SET synchronous_commit TO on");
            }
        } catch (SQLException e) {
            throw failure("connect", e);
        }
    }

    /** @param sex one of male, female, other, unknown */
    public long insertPatient(String mrn, String family, String given, LocalDate birthDate, String sex) {
        return insertReturningId("INSERT INTO ehr.patients (mrn, family_name, given_name, birth_date, sex)"
                + " VALUES (?, ?, ?, ?, ?) RETURNING id", mrn, family, given, birthDate, sex);
    }

    /**
     * @param encounterClass inpatient, outpatient or emergency
     * @param status         in-progress, finished or cancelled
     */
    public long insertEncounter(long patientId, String visitNumber, String encounterClass, String status,
            String reason, Instant startedAt) {
        return insertReturningId("INSERT INTO ehr.encounters (patient_id, visit_number, class, status, reason,"
                + " started_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", patientId, visitNumber, encounterClass,
                status, reason, startedAt);
    }

    /** A final note; {@code encounterId} may be null. */
    public long insertNote(long patientId, Long encounterId, String noteType, String author, Instant writtenAt,
            String body) {
        return insertReturningId("INSERT INTO ehr.notes (patient_id, encounter_id, note_type, author, written_at,"
                + " status, body) VALUES (?, ?, ?, ?, ?, 'final', ?) RETURNING id", patientId, encounterId, noteType,
                author, writtenAt, body);
    }

    /** Replaces a note's text and marks it amended. */
    public void updateNoteBody(long noteId, String body) {
        update("UPDATE ehr.notes SET body = ?, status = 'amended', updated_at = now() WHERE id = ?", body, noteId);
    }

    public void deleteNote(long noteId) {
        update("DELETE FROM ehr.notes WHERE id = ?", noteId);
    }

    private long insertReturningId(String sql, Object... args) {
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("insert", e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement st = prepare(sql, args)) {
            st.executeUpdate();
        } catch (SQLException e) {
            throw failure("update", e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement st = conn.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                st.setNull(i + 1, Types.OTHER);
            } else if (a instanceof Instant t) {
                st.setTimestamp(i + 1, Timestamp.from(t));
            } else if (a instanceof LocalDate d) {
                st.setObject(i + 1, d);
            } else {
                st.setObject(i + 1, a);
            }
        }
        return st;
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("EHR " + what + " failed (SQLSTATE " + e.getSQLState() + ")");
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // Nothing left to protect: the connection is going away either way.
        }
    }
}
