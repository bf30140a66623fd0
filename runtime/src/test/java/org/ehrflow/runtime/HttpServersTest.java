package org.ehrflow.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK server really gets {@code TCP_NODELAY} when an app creates its first server through {@link HttpServers}:
 * checked in a fresh JVM (this one's surefire sets the property already), by asking the JDK's own server settings.
 */
@Timeout(60)
class HttpServersTest {

    @Test
    void firstServerOfAFreshJvmTurnsNaglesDelayOff() throws Exception {
        assertEquals("noDelay=true", probe(List.of()));
    }

    @Test
    void anOperatorsExplicitSettingIsKept() throws Exception {
        assertEquals("noDelay=false", probe(List.of("-D" + HttpServers.NODELAY + "=false")));
    }

    private static String probe(List<String> jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("--add-opens=jdk.httpserver/sun.net.httpserver=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("probe JVM did not finish");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Creates one server the apps' way, then reads the setting the JDK server applies to accepted sockets. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            HttpServer s = HttpServers.http(new InetSocketAddress("127.0.0.1", 0), 0);
            try {
                Method m = Class.forName("sun.net.httpserver.ServerConfig").getDeclaredMethod("noDelay");
                m.setAccessible(true);
                System.out.println("noDelay=" + m.invoke(null));
            } finally {
                s.stop(0);
            }
        }
    }
}
