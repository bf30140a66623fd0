package org.ehrflow.ehrsim.sim;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The second demo schema's simulator profile (ehr-sim {@code db/clinic}): registrations, visits (some
 * cancelled: a soft delete), lab results with local codes (some corrected, some entered in error), and notes
 * saved as RTF or HTML (some soft-deleted). Local timestamps (without time zone), as the clinic system writes
 * them. Each step is one autocommitted statement. {@code main} reads {@code EHRFLOW_SIM_*} like EhrSimulator.
 */
public final class ClinicSimulator implements AutoCloseable {

    private static final String[] TESTS = {"GLU", "HB", "K", "NA"};
    private static final String[] UNITS = {"mmol/L", "g/dL", "mmol/L", "mmol/L"};

    private final Connection db;
    private final Random random;
    private final long base;
    private final List<Long> patients = new ArrayList<>();
    private final List<int[]> visits = new ArrayList<>(); // {patient index, visit no}
    private final List<String> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int next = 1;

    public ClinicSimulator(String jdbcUrl, String user, String password, long seed) throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.random = new Random(seed);
        this.base = seed * 1_000_000L + (System.currentTimeMillis() % 100_000) * 10;
    }

    /** Commits one change; returns what it did. */
    public String step() throws SQLException {
        int roll = random.nextInt(100);
        if (patients.isEmpty() || roll < 8) {
            long pat = base + next++;
            exec("INSERT INTO clinic.pat_master VALUES (?, ?, ?, ?, ?, ?)", pat, "HN-" + pat, "Synth" + (pat % 97),
                    "Alex", LocalDate.of(1970, 1, 1).plusDays(random.nextInt(20000)),
                    "MFU".charAt(random.nextInt(3)) + "");
            patients.add(pat);
            return "register";
        }
        long pat = patients.get(random.nextInt(patients.size()));
        LocalDateTime now = LocalDateTime.now().withNano(0);
        if (visits.isEmpty() || roll < 20) {
            int visit = next++;
            exec("INSERT INTO clinic.visit VALUES ('NORTH', ?, ?, ?, ?, NULL, false)", visit, pat,
                    "IOE".charAt(random.nextInt(3)) + "", Timestamp.valueOf(now));
            visits.add(new int[] {patients.indexOf(pat), visit});
            return "admit";
        }
        int[] v = visits.get(random.nextInt(visits.size()));
        long vp = patients.get(v[0]);
        if (roll < 25) {
            exec("UPDATE clinic.visit SET dis_dt = ? WHERE site_cd = 'NORTH' AND visit_no = ?", Timestamp.valueOf(now),
                    v[1]);
            return "discharge";
        }
        if (roll < 60) {
            int t = random.nextInt(TESTS.length);
            String acc = "A" + next++;
            exec("INSERT INTO clinic.result VALUES ('NORTH', ?, 1, ?, ?, ?, ?, ?, ?, 'P')", acc, vp, v[1], TESTS[t],
                    Math.round(random.nextDouble() * 2000) / 100.0, UNITS[t], Timestamp.valueOf(now));
            results.add(acc);
            return "result";
        }
        if (roll < 70 && !results.isEmpty()) {
            String acc = results.get(random.nextInt(results.size()));
            exec("UPDATE clinic.result SET status_cd = ?, result_val = result_val + 1 WHERE accession = ?",
                    random.nextInt(4) == 0 ? "X" : "C", acc);
            return "correct";
        }
        if (roll < 90) {
            String guid = UUID.randomUUID().toString();
            String body = random.nextBoolean()
                    ? "{\\rtf1\\ansi\\f0 Reviewed in clinic.\\par Plan: repeat bloods in " + (1 + random.nextInt(8))
                            + " weeks.}"
                    : "<p>Reviewed in clinic.</p><p>Plan: repeat bloods in " + (1 + random.nextInt(8)) + " weeks.</p>";
            exec("INSERT INTO clinic.doc_note VALUES (?, ?, 'NORTH', ?, 'Clinic letter', ?, ?, false)", guid, vp, v[1],
                    body, Timestamp.valueOf(now));
            notes.add(guid);
            return "note";
        }
        if (!notes.isEmpty() && roll < 96) {
            exec("UPDATE clinic.doc_note SET is_deleted = true WHERE note_guid = ?",
                    notes.remove(random.nextInt(notes.size())));
            return "soft-delete-note";
        }
        exec("UPDATE clinic.visit SET cancelled = true WHERE site_cd = 'NORTH' AND visit_no = ?", v[1]);
        return "cancel-visit";
    }

    /** Steps at {@code ratePerSecond} until {@code max} changes or {@code maxDuration}; returns the count. */
    public int run(int ratePerSecond, Duration maxDuration, int max) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + maxDuration.toNanos();
        int n = 0;
        while (n < max && System.nanoTime() < deadline) {
            step();
            n++;
            TimeUnit.MICROSECONDS.sleep(1_000_000L / ratePerSecond);
        }
        return n;
    }

    private void exec(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }

    public static void main(String[] args) throws Exception {
        SimulatorConfig c = SimulatorConfig.fromEnv(System.getenv());
        try (ClinicSimulator sim = new ClinicSimulator(c.jdbcUrl(), c.user(), c.password().value(), c.seed())) {
            sim.run(c.rate(), c.duration(), c.maxChanges());
        }
    }
}
