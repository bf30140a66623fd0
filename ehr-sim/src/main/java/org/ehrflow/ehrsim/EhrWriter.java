package org.ehrflow.ehrsim;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;
import org.ehrflow.runtime.Secret;

/**
 * Writes synthetic rows into the demo EHR tables (demo and tests), as the EHR application would. Each call is
 * its own transaction, so each becomes its own change event. Errors carry the SQLSTATE only: PostgreSQL's
 * messages quote the offending values. PostgreSQL ({@code db/ehr}) or, given a {@code jdbc:mysql:} URL, MariaDB
 * ({@link EhrMariaDb}): the same statements, the new row's id read back as each driver allows.
 */
public final class EhrWriter implements AutoCloseable {

    private static final String RETURNING_ID = " RETURNING id";

    private final Connection conn;
    private final boolean mariaDb;

    public EhrWriter(String jdbcUrl, String user, Secret password) {
        this.mariaDb = jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:");
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        try {
            this.conn = DriverManager.getConnection(jdbcUrl, p);
            conn.setAutoCommit(true);
            // Commit durably, as an EHR would: logical decoding only sends flushed WAL, so a throw-away cluster's
            // synchronous_commit=off would add up to wal_writer_delay (200 ms) to every change's capture latency.
            if (!mariaDb) {
                try (var st = conn.createStatement()) {
                    st.execute("SET synchronous_commit TO on");
                }
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

    /** Tables a row can be deleted from with {@link #delete}; the name is never taken from input. */
    public enum Table {
        PATIENTS("ehr.patients"), ENCOUNTERS("ehr.encounters"), NOTES("ehr.notes"), LAB_RESULTS("ehr.lab_results"),
        MEDICATION_ORDERS("ehr.medication_orders"), ALLERGIES("ehr.allergies"), DIAGNOSES("ehr.diagnoses");

        private final String qualified;

        Table(String qualified) {
            this.qualified = qualified;
        }

        public String qualified() {
            return qualified;
        }
    }

    /** Closes an encounter: status finished, ended_at set. */
    public void finishEncounter(long encounterId, Instant endedAt) {
        update("UPDATE ehr.encounters SET status = 'finished', ended_at = ?, updated_at = now() WHERE id = ?",
                endedAt, encounterId);
    }

    /**
     * A lab result; numeric ({@code value} with {@code unit}) or text ({@code valueText}).
     *
     * @param abnormalFlag N, L, H, LL, HH, A or null
     * @param status       preliminary or final
     */
    public long insertLabResult(long patientId, Long encounterId, String loincCode, String testName, Double value,
            String valueText, String unit, String referenceRange, String abnormalFlag, String status,
            Instant collectedAt) {
        return insertReturningId("INSERT INTO ehr.lab_results (patient_id, encounter_id, loinc_code, test_name,"
                + " value_numeric, value_text, unit, reference_range, abnormal_flag, status, collected_at,"
                + " resulted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) RETURNING id", patientId,
                encounterId, loincCode, testName, value, valueText, unit, referenceRange, abnormalFlag, status,
                collectedAt);
    }

    /** A corrected result: new value and flag, status corrected. */
    public void correctLabResult(long labResultId, double value, String abnormalFlag) {
        update("UPDATE ehr.lab_results SET value_numeric = ?, abnormal_flag = ?, status = 'corrected',"
                + " resulted_at = now(), updated_at = now() WHERE id = ?", value, abnormalFlag, labResultId);
    }

    /** An active medication order. */
    public long insertMedicationOrder(long patientId, Long encounterId, String rxnormCode, String medicationName,
            String dose, String route, String frequency, String prescriber, Instant orderedAt) {
        return insertReturningId("INSERT INTO ehr.medication_orders (patient_id, encounter_id, rxnorm_code,"
                + " medication_name, dose, route, frequency, status, prescriber, ordered_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id", patientId, encounterId, rxnormCode,
                medicationName, dose, route, frequency, prescriber, orderedAt);
    }

    /** @param status active, on-hold, cancelled, completed, stopped or entered-in-error */
    public void setMedicationOrderStatus(long orderId, String status) {
        update("UPDATE ehr.medication_orders SET status = ?, updated_at = now() WHERE id = ?", status, orderId);
    }

    /**
     * An active, confirmed allergy.
     *
     * @param severity    mild, moderate, severe or null
     * @param criticality low, high, unable-to-assess or null
     */
    public long insertAllergy(long patientId, String substanceCode, String substance, String reaction,
            String severity, String criticality, Instant recordedAt) {
        return insertReturningId("INSERT INTO ehr.allergies (patient_id, substance_code, substance, reaction,"
                + " severity, criticality, clinical_status, verification_status, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'active', 'confirmed', ?) RETURNING id", patientId, substanceCode,
                substance, reaction, severity, criticality, recordedAt);
    }

    /**
     * An active diagnosis.
     *
     * @param category            encounter-diagnosis or problem-list-item
     * @param verificationStatus  provisional or confirmed
     */
    public long insertDiagnosis(long patientId, Long encounterId, String icd10Code, String description,
            String category, String verificationStatus, LocalDate onsetDate, Instant recordedAt) {
        return insertReturningId("INSERT INTO ehr.diagnoses (patient_id, encounter_id, icd10_code, description,"
                + " category, clinical_status, verification_status, onset_date, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id", patientId, encounterId, icd10Code,
                description, category, verificationStatus, onsetDate, recordedAt);
    }

    /** @param clinicalStatus active, recurrence, relapse, inactive, remission or resolved */
    public void setDiagnosisClinicalStatus(long diagnosisId, String clinicalStatus) {
        update("UPDATE ehr.diagnoses SET clinical_status = ?, updated_at = now() WHERE id = ?", clinicalStatus,
                diagnosisId);
    }

    /** Deletes one row by primary key (cascades as the schema says). */
    public void delete(Table table, long id) {
        update("DELETE FROM " + table.qualified() + " WHERE id = ?", id);
    }

    private long insertReturningId(String sql, Object... args) {
        if (mariaDb) {
            // MySQL Connector/J refuses executeQuery() for an INSERT; the generated key is the same id.
            String insert = sql.substring(0, sql.length() - RETURNING_ID.length());
            try (PreparedStatement st = prepare(insert, Statement.RETURN_GENERATED_KEYS, args)) {
                st.executeUpdate();
                try (ResultSet rs = st.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw failure("insert", e);
            }
        }
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
        return prepare(sql, Statement.NO_GENERATED_KEYS, args);
    }

    private PreparedStatement prepare(String sql, int keys, Object... args) throws SQLException {
        PreparedStatement st = conn.prepareStatement(sql, keys);
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
