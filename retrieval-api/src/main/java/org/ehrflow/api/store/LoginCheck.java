package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Start-up guard for "every query runs as the reader role, never as the owner": row-level security does not
 * apply to a table's owner, a superuser or a BYPASSRLS role, so such a login would silently see every patient.
 * The de-identified login must also have no privilege on raw chunk text.
 */
public final class LoginCheck {

    private LoginCheck() {
    }

    /** Null when {@code c}'s login is safe as a reader; else what is wrong (naming {@code setting}). */
    public static String problem(Connection c, String setting, boolean deidentified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.rolsuper OR r.rolbypassrls,
                       pg_has_role(current_user, t.relowner, 'MEMBER'),
                       has_column_privilege('ehrflow.chunk', 'text', 'SELECT')
                FROM pg_roles r, pg_class t
                WHERE r.rolname = current_user AND t.oid = 'ehrflow.chunk'::regclass""");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return setting + ": the login cannot be checked";
            }
            if (rs.getBoolean(1)) {
                return setting + " is a superuser or BYPASSRLS role: row-level security would not apply";
            }
            if (rs.getBoolean(2)) {
                return setting + " owns ehrflow.chunk (or is a member of its owner): row-level security would not "
                        + "apply; use a member of ehrflow_reader";
            }
            if (deidentified && rs.getBoolean(3)) {
                return setting + " may read raw chunk text: use a member of ehrflow_deid_reader only";
            }
            return null;
        }
    }
}
