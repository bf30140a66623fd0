package org.ehrflow.api.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the benchmark's two sides on separate cores ({@code taskset}, Linux): the PostgreSQL cluster on some, this
 * JVM (clients, API, model) on the others. That is the deployed shape, where the database has its own host and API
 * instances scale out beside it, so the ratio then says what the API costs the database, the resource that does not
 * scale out. Unpinned, every process competes for the same cores and the ratio is the CPU of the whole request,
 * load generator included.
 */
final class CpuPinning {

    private CpuPinning() {
    }

    /** Pins {@code postmaster}, every process under it (and their future children) and then this JVM. */
    static void pin(long postmaster, String pgCpus, String jvmCpus) {
        ProcessHandle pm = ProcessHandle.of(postmaster)
                .orElseThrow(() -> new IllegalStateException("postmaster " + postmaster + " is not running"));
        List<Long> pids = new ArrayList<>();
        pids.add(pm.pid());
        pm.descendants().forEach(p -> pids.add(p.pid()));
        for (long pid : pids) {
            taskset(pgCpus, pid);
        }
        taskset(jvmCpus, ProcessHandle.current().pid());
    }

    private static void taskset(String cpus, long pid) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("taskset -c " + cpus + " " + pid + " exited " + p.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("taskset not available", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
