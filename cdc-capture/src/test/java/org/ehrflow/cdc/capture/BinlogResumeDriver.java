package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ehrflow.localstack.LocalMariaDb;
import org.ehrflow.runtime.Secret;

/**
 * What a MariaDB restart inside a transaction costs ({@link BinlogResume}): the time to find the transaction's start
 * in a binlog of {@code args[0]} single-row transactions (five events each) followed by one 400-row statement, the
 * stored position inside that statement; from a hint a few thousand events back (the usual case: the previously
 * stored offset), and from the file's first event (the hint lay inside the same transaction). Median of
 * {@code args[1]} rounds each.
 */
public final class BinlogResumeDriver {

    public static void main(String[] args) throws Exception {
        int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (LocalMariaDb db = LocalMariaDb.startTemporary()) {
            db.createDatabase("bench");
            Secret pw = new Secret("bench-" + Long.toHexString(System.nanoTime()));
            db.createCaptureUser("ehrflow_cdc", pw, "bench");
            long hint;
            long txStart;
            long target;
            String file;
            try (Connection c = db.connect("bench"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id bigint AUTO_INCREMENT PRIMARY KEY, v varchar(100))");
                st.execute("CREATE PROCEDURE gen(n int) BEGIN DECLARE i int DEFAULT 0; WHILE i < n DO "
                        + "INSERT INTO t (v) VALUES (repeat('x', 50)); SET i = i + 1; END WHILE; END");
                long started = System.nanoTime();
                st.execute("CALL gen(" + transactions + ")");
                System.out.printf("wrote %d transactions in %d ms%n", transactions,
                        (System.nanoTime() - started) / 1_000_000);
                hint = position(st);
                st.execute("CALL gen(1000)"); // 5,000 events between the hint and the statement
                file = file(st);
                txStart = position(st);
                StringBuilder insert = new StringBuilder("INSERT INTO t (v) VALUES ");
                for (int i = 0; i < 400; i++) {
                    insert.append(i == 0 ? "" : ", ").append("(repeat('y', 60))");
                }
                st.execute(insert.toString());
                target = insideLastStatement(st, file, txStart);
            }
            BinlogResume resume = new BinlogResume(db.jdbcUrl("bench"), "ehrflow_cdc", pw.value());
            System.out.printf("binlog %s: transaction at %d, stored position %d%n", file, txStart, target);
            report("from a hint 5,000 events back", resume, file, target, hint, txStart, rounds);
            report("from the file's first event", resume, file, target, 0, txStart, rounds);
        }
    }

    private static void report(String what, BinlogResume resume, String file, long target, long hint, long expect,
            int rounds) {
        List<Long> ms = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            long at = resume.resumeAt(file, target, hint);
            ms.add((System.nanoTime() - t) / 1_000_000);
            if (at != expect) {
                throw new IllegalStateException("resumed at " + at + ", expected " + expect);
            }
        }
        Collections.sort(ms);
        System.out.printf("%s: median %d ms (min %d, max %d, %d rounds)%n", what, ms.get(ms.size() / 2), ms.get(0),
                ms.get(ms.size() - 1), rounds);
    }

    private static String file(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long position(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /** The end of the statement's first rows event: a stored position inside the transaction. */
    private static long insideLastStatement(Statement st, String file, long from) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + file + "' FROM " + from)) {
            while (rs.next()) {
                if (rs.getString("Event_type").startsWith("Write_rows")) {
                    return rs.getLong("End_log_pos");
                }
            }
        }
        throw new IllegalStateException("no rows event after " + from);
    }
}
