package org.ehrflow.ops.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status page as a person sees it: served by {@link StatusServer}, rendered by headless Chromium (Debian's
 * {@code chromium} package), with the screenshot kept at {@code ops/target/status-page.png}. Skips only when
 * Chromium is not installed.
 */
class StatusPageBrowserIT {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    @Test
    @Timeout(120)
    void rendersInHeadlessChromiumAndKeepsAScreenshot() throws Exception {
        String chromium = CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(chromium != null, "chromium is not installed (apt-get install -y chromium)");
        Path target = Paths.get("target").toAbsolutePath();
        Files.createDirectories(target);
        Path shot = target.resolve("status-page.png");
        Files.deleteIfExists(shot);
        Path profile = Files.createTempDirectory("ehrflow-chromium-");
        String page = StatusPage.render(StatusFixtures.snapshot(), StatusFixtures.history(60), StatusFixtures.canary());
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, () -> page)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            String dom = run(chromium, profile, "--dump-dom", url);
            // The DOM as Chromium parsed it: the tables and the chart are there.
            assertThat(dom).contains("<svg").contains("<polyline").contains("ehr.raw.hl7v2.v1").contains("canary")
                    .contains("HL7_PARSE_ERROR").contains("ehrflow_slot");
            run(chromium, profile, "--screenshot=" + shot, "--window-size=1000,1600", "--hide-scrollbars", url);
        } finally {
            deleteTree(profile);
        }
        assertThat(shot).exists();
        byte[] png = Files.readAllBytes(shot);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    /** Runs headless Chromium with a fresh profile and no network side traffic; returns its stdout. */
    private static String run(String chromium, Path profile, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("chromium-out", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish in 90 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
