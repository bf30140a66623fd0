package org.ehrflow.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the topology: a JVM running one main class from the same classes and dependencies the images
 * package, configured only through its environment (as in the compose file), logging to its own file.
 */
final class JvmProcess {

    private final String name;
    private final String mainClass;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path log;
    private final String heap;
    private Process process;

    JvmProcess(String name, String mainClass, List<String> args, Map<String, String> env, Path log, String heap) {
        this.name = name;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.log = log;
        this.heap = heap;
    }

    String name() {
        return name;
    }

    synchronized void start() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // Only what the process is configured with here: nothing of the driver's own EHRFLOW_* environment leaks in.
        pb.environment().keySet().removeIf(k -> k.startsWith("EHRFLOW_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no offset commit. */
    synchronized void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        await(process);
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                await(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    private static void await(Process p) {
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
