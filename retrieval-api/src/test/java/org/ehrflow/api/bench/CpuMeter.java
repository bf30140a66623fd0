package org.ehrflow.api.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the benchmark's two processes, so a phase can say where its requests' cost went: this JVM (client,
 * API, model) and the temporary PostgreSQL cluster (postmaster, live backends and the exited children it reaped),
 * read from {@code /proc} (Linux only; zero elsewhere). Other sessions' load on the machine is not counted.
 */
final class CpuMeter {

    private static final double TICK_MS = 10.0;  // USER_HZ is 100 on Linux

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long postmaster;

    private CpuMeter(long postmaster) {
        this.postmaster = postmaster;
    }

    /** A meter for the cluster {@code c} is connected to (its backend's parent is the postmaster). */
    static CpuMeter of(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long[] stat = stat(Path.of("/proc", Long.toString(rs.getLong(1)), "stat"));
            return new CpuMeter(stat == null ? -1 : stat[0]);
        }
    }

    /**
     * CPU milliseconds so far of this JVM's live threads by name (digits folded: "api-http-N"), so a phase can
     * say which part of the process spent it; threads that ended meanwhile are missing (the benchmark's clients
     * report their own).
     */
    static Map<String, Double> threads() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Double> out = new TreeMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns > 0) {
                out.merge(t.getThreadName().replaceAll("[0-9]+", "N"), ns / 1e6, Double::sum);
            }
        }
        // the JIT and GC threads are not Java threads: read from /proc (a cold code path costs compile time)
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                String stat = Files.readString(t.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre") || name.startsWith("GC Thread") || name.startsWith("G1")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name.contains("Compiler") ? "jit" : "gc",
                            (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS, Double::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: Java threads only
        }
        return out;
    }

    /** The cluster's postmaster process id ({@code -1} when not readable). */
    long postmaster() {
        return postmaster;
    }

    /** JVM and PostgreSQL CPU milliseconds so far. */
    double[] now() {
        double pg = pgByRole(null).values().stream().mapToDouble(Double::doubleValue).sum();
        return new double[] {os.getProcessCpuTime() / 1e6, pg};
    }

    /**
     * CPU milliseconds so far of the cluster's processes by role: a backend by its login (the process title's first
     * word: {@code ehrflow_reader}, the audit writer's login; its application name where {@code monitor} can read
     * it, which tells the API's searches from its audit writer), a background process by its title
     * ({@code checkpointer}, {@code walwriter}, {@code autovacuum}), and {@code exited} for the children the
     * postmaster has reaped (autovacuum workers, closed connections).
     */
    Map<String, Double> pgByRole(Connection monitor) {
        Map<String, Double> out = new TreeMap<>();
        if (postmaster < 0) {
            return out;
        }
        Map<Long, String> apps = applications(monitor);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long[] s = stat(p.resolve("stat"));
                if (s == null) {
                    continue;
                }
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == postmaster) {
                    out.merge("postmaster", s[1] * TICK_MS, Double::sum);
                    out.merge("exited", s[2] * TICK_MS, Double::sum);
                } else if (s[0] == postmaster) {
                    String app = apps.get(pid);
                    out.merge(app != null ? "pg:" + app : role(p), s[1] * TICK_MS, Double::sum);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** CPU ms spent between two {@link #pgByRole} readings by the roles whose names start with {@code prefix}. */
    static double delta(Map<String, Double> before, Map<String, Double> after, String prefix) {
        double sum = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return sum;
    }

    private static Map<Long, String> applications(Connection monitor) {
        Map<Long, String> out = new TreeMap<>();
        if (monitor == null) {
            return out;
        }
        try (Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pid, application_name FROM pg_stat_activity WHERE application_name <> ''")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        } catch (SQLException e) {
            return out;
        }
        return out;
    }

    private static String role(Path proc) {
        try {
            String title = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).strip();
            String rest = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
            int space = rest.indexOf(' ');
            return "pg:" + (space < 0 ? rest : rest.substring(0, space));
        } catch (IOException e) {
            return "pg:?";
        }
    }

    /** {ppid (or own pid for a postmaster lookup), utime+stime, cutime+cstime}, or null if gone. */
    private static long[] stat(Path file) {
        try {
            String s = Files.readString(file);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
