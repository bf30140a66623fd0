package org.ehrflow.ehrsim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.ehrflow.runtime.Secret;

/**
 * The second demo EHR ("clinic") on MariaDB: {@code db/clinic-mariadb/clinic_schema.sql}, the same tables and
 * columns as the PostgreSQL {@code db/clinic} in MariaDB's types, so {@code clinic-ehr.yaml} maps both. Not
 * Flyway (its MariaDB support is a separate module this build does not carry): one idempotent-enough script for
 * a fresh demo database. {@link org.ehrflow.ehrsim.sim.ClinicSimulator} writes to it unchanged.
 */
public final class ClinicMariaDb {

    public static final String DATABASE = "clinic";
    private static final String SCRIPT = "db/clinic-mariadb/clinic_schema.sql";

    private ClinicMariaDb() {
    }

    /** Creates database {@code clinic} and its tables as an admin (root) over {@code jdbcUrl}. */
    public static void create(String jdbcUrl, String user, Secret password) {
        run(SCRIPT, "clinic", jdbcUrl, user, password);
    }

    /** Runs one of ehr-sim's MariaDB scripts (also {@link EhrMariaDb}'s) statement by statement. */
    static void run(String script, String what, String jdbcUrl, String user, Secret password) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password.value());
                Statement st = c.createStatement()) {
            for (String sql : statements(script)) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("creating the " + what + " schema on MariaDB failed, SQLSTATE "
                    + e.getSQLState() + " (error " + e.getErrorCode() + ")", e);
        }
    }

    static String[] statements() {
        return statements(SCRIPT);
    }

    /** A script's statements: split at a ";" that ends a line, comment lines dropped. */
    static String[] statements(String script) {
        String text;
        try (InputStream in = ClinicMariaDb.class.getClassLoader().getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException(script + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String body = text.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(body.split(";\\s*\\n")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }
}
