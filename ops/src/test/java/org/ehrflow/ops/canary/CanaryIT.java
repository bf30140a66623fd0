package org.ehrflow.ops.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.ops.OpsApp;
import org.ehrflow.ops.OpsConfig;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The freshness canary on the whole pipeline in one JVM: events through MLLP, raw FHIR and the EHR database
 * become searchable, their freshness is exported with p50/p99, and a reader scoped to a real patient never sees
 * canary rows. Run longer for figures with {@code -Dcanary.seconds=120}; figures go to
 * {@code ops/target/canary-figures.txt}.
 */
class CanaryIT {

    @Test
    @Timeout(400)
    void canaryEventsFromEverySourceBecomeSearchableAndStayInvisibleToRealPatientsReaders(@TempDir Path work)
            throws Exception {
        int seconds = Integer.getInteger("canary.seconds", 12);
        try (KafkaFixture kafka = KafkaFixture.start(); LocalPostgres pg = LocalPostgres.startTemporary()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (Pipeline pipeline = Pipeline.start(settings, pg, work, 2, registry)) {
                CanaryConfig canary = new CanaryConfig(EnumSet.allOf(CanaryConfig.Source.class), Duration.ofSeconds(1),
                        Duration.ofSeconds(150), "127.0.0.1", pipeline.mllpPort(),
                        pg.jdbcUrl(Pipeline.EHR_DB), pg.superuser(), pg.superuserPassword());
                OpsConfig ops = OpsConfig.defaults(settings).withSinkDatabase(pg.jdbcUrl(Pipeline.RAG_DB),
                        pg.superuser(), pg.superuserPassword());
                PrometheusMeterRegistry opsRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                List<Canary.Measurement> all;
                try (OpsApp app = OpsApp.start(ops, canary, opsRegistry)) {
                    Thread.sleep(seconds * 1000L);
                    // On a loaded machine the first events can take long (warm-up): wait for one from each source.
                    Pipeline.await("the pipeline", () -> app.canary().recent().stream().map(Canary.Measurement::source)
                            .distinct().count() == CanaryConfig.Source.values().length, Duration.ofSeconds(120));
                    all = app.canary().recent();
                    String scrape = opsRegistry.scrape();
                    assertThat(scrape).contains("ehrflow_canary_freshness_seconds{source=\"fhir\",quantile=\"0.99\"}")
                            .contains("ehrflow_canary_lost_total");
                    assertThat(opsRegistry.find("ehrflow.canary.lost").counters())
                            .allSatisfy(c -> assertThat(c.count()).isZero());
                }
                for (CanaryConfig.Source s : CanaryConfig.Source.values()) {
                    assertThat(all).as("measurements through %s", s).anyMatch(m -> m.source() == s);
                }
                String figures = figures(all, seconds);
                System.out.println(figures);
                Path target = Paths.get("target");
                Files.createDirectories(target);
                Files.writeString(target.resolve("canary-figures.txt"), figures);
                assertReadersOfRealPatientsSeeNoCanaryRows(pg);
            }
        }
    }

    /** p50/p99 per source, skipping each source's first three events (the pipeline's warm-up). */
    private static String figures(List<Canary.Measurement> all, int seconds) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "canary freshness, %d s run, 1 s interval (injection to searchable; warm-up: first 3 per source"
                        + " skipped)%n", seconds));
        for (CanaryConfig.Source s : CanaryConfig.Source.values()) {
            List<Double> v = new ArrayList<>(all.stream().filter(m -> m.source() == s).skip(3)
                    .map(Canary.Measurement::seconds).toList());
            v.sort(Double::compare);
            if (v.isEmpty()) {
                sb.append(s).append(": no samples after warm-up\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-4s n=%3d p50=%.3f s p99=%.3f s max=%.3f s%n", s, v.size(),
                    pct(v, 0.50), pct(v, 0.99), v.get(v.size() - 1)));
        }
        return sb.toString();
    }

    private static double pct(List<Double> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    /** A reader role scoped (by row-level security) to a real patient sees none of the canary's rows. */
    private static void assertReadersOfRealPatientsSeeNoCanaryRows(LocalPostgres pg) throws Exception {
        Secret pw = new Secret("reader-" + UUID.randomUUID());
        try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE canary_test_reader LOGIN PASSWORD '" + pw.value() + "' IN ROLE ehrflow_reader");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ehrflow.chunk WHERE patient_key = '"
                    + CanaryMessages.PATIENT_KEY + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("canary rows exist").isPositive();
            }
        }
        Properties p = new Properties();
        p.setProperty("user", "canary_test_reader");
        p.setProperty("password", pw.value());
        try (Connection reader = DriverManager.getConnection(pg.jdbcUrl(Pipeline.RAG_DB), p)) {
            assertThat(visibleRows(reader, PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, "REAL-PATIENT-1")))
                    .isZero();
            assertThat(visibleRows(reader, CanaryMessages.PATIENT_KEY)).isPositive();
        }
    }

    /** Rows a reader sees of any patient while scoped to {@code patientKey}. */
    private static long visibleRows(Connection reader, String patientKey) throws Exception {
        reader.setAutoCommit(false);
        try (PreparedStatement set = reader.prepareStatement("SELECT set_config('ehrflow.patient_key', ?, true)")) {
            set.setString(1, patientKey);
            set.execute();
        }
        try (Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM ehrflow.chunk")) {
            rs.next();
            long n = rs.getLong(1);
            reader.commit();
            return n;
        }
    }
}
