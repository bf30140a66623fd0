package org.ehrflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ehrflow.ehrsim.EhrSchema;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture runs in a child JVM ({@link CdcCaptureApp#main}) that is killed with SIGKILL mid-stream while the EHR keeps
 * writing; a restarted capture must deliver every change. Duplicates (the window since the last offset commit) are
 * allowed only as exact re-emissions: same source message id, same row image, hence the same FHIR resource id and
 * content (proven on the normaliser side by CdcDuplicateConvergenceTest).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CdcKillRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(CdcKillRestartIT.class);
    private static final int ROWS = 300;

    @Test
    void killedMidStreamThenRestartedLosesNothing() throws Exception {
        byte[] pw = new byte[16];
        ThreadLocalRandom.current().nextBytes(pw);
        Secret cdcPassword = new Secret(HexFormat.of().formatHex(pw));
        Path childLog = Files.createTempFile("cdc-child", ".log");
        try (LocalPostgres pg = LocalPostgres.startTemporary(); KafkaFixture kafka = KafkaFixture.start()) {
            pg.createDatabase("ehr");
            EhrSchema.migrate(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword(), cdcPassword);
            TopicAdmin.ensureTopics(KafkaSettings.of(kafka.bootstrapServers()), 1, (short) 1);
            try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl("ehr"), pg.superuser(), pg.superuserPassword());
                    RawTopicReader reader = new RawTopicReader(kafka.bootstrapServers(), 1)) {
                long patient = ehr.insertPatient("MRN-KILL-1", "Testperson", "Robin", LocalDate.of(1990, 1, 1),
                        "unknown");
                Process child = startChild(kafka.bootstrapServers(), pg, cdcPassword, childLog.toFile());
                List<Long> ids = new ArrayList<>();
                Process killed = null;
                try {
                    reader.await("patients", "r", patient, Duration.ofSeconds(60)); // child streaming
                    for (int i = 0; i < ROWS; i++) {
                        ids.add(ehr.insertLabResult(patient, null, "2345-7", "Glucose", 80.0 + i, null, "mg/dL",
                                "70-99", "N", "final", Instant.parse("2026-01-02T00:00:00Z")));
                        if (i == ROWS / 3) {
                            long seen = ids.get(ROWS / 4);
                            reader.await("lab_results", "c", seen, Duration.ofSeconds(30));
                            child.destroyForcibly(); // SIGKILL: no offset commit, no clean slot shutdown
                            child.waitFor(30, TimeUnit.SECONDS);
                            killed = child;
                        }
                        TimeUnit.MILLISECONDS.sleep(5);
                    }
                } finally {
                    child.destroyForcibly();
                }
                assertThat(killed).isNotNull();
                int beforeRestart = reader.records.size();
                try (CdcCaptureApp app = CdcCaptureApp.start(config(kafka.bootstrapServers(), pg, cdcPassword),
                        new SimpleMeterRegistry())) {
                    reader.await("lab_results", "c", ids.get(ids.size() - 1), Duration.ofSeconds(60));
                    reader.drain(Duration.ofSeconds(1));
                }
                List<ConsumerRecord<String, byte[]>> labs = reader.records.stream()
                        .filter(r -> RawTopicReader.payload(r).at("/source/table").asText().equals("lab_results"))
                        .toList();
                Set<Long> seen = labs.stream().map(r -> RawTopicReader.payload(r).at("/after/id").asLong())
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(seen).as("no change lost across the kill").containsAll(ids);
                Map<String, List<ConsumerRecord<String, byte[]>>> byId = labs.stream().collect(Collectors.groupingBy(
                        r -> RawTopicReader.rawMessage(r).provenance().sourceMessageId()));
                int duplicates = labs.size() - byId.size();
                LOG.info("kill/restart: {} rows written, {} lab events in all ({} records before the restart), {} duplicates",
                        ids.size(), labs.size(), beforeRestart, duplicates);
                assertThat(byId).hasSize(ids.size()); // one distinct source message per row
                // Through the normaliser's CDC mapper: the stream with duplicates leaves the same FHIR state as the
                // same stream with each source message once.
                List<ConsumerRecord<String, byte[]>> distinct = new ArrayList<>();
                Set<String> firstSeen = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : reader.records) {
                    if (firstSeen.add(RawTopicReader.rawMessage(r).provenance().sourceMessageId())) {
                        distinct.add(r);
                    }
                }
                FhirReplay withDuplicates = new FhirReplay().apply(reader.records);
                FhirReplay once = new FhirReplay().apply(distinct);
                assertThat(withDuplicates.rejected + withDuplicates.waiting).isZero();
                assertThat(withDuplicates.state).isEqualTo(once.state);
                assertThat(withDuplicates.state.keySet()).filteredOn(k -> k.startsWith("Observation/cdc-lab-results-"))
                        .hasSize(ROWS);
                byId.values().forEach(copies -> {
                    JsonNode first = RawTopicReader.payload(copies.get(0));
                    copies.forEach(c -> {
                        JsonNode p = RawTopicReader.payload(c);
                        assertThat(p.get("after")).isEqualTo(first.get("after")); // same row image
                        assertThat(p.get("op")).isEqualTo(first.get("op"));
                        assertThat(p.at("/source/lsn")).isEqualTo(first.at("/source/lsn"));
                    });
                });
            }
        } finally {
            Files.deleteIfExists(childLog);
        }
    }

    private static CdcConfig config(String bootstrap, LocalPostgres pg, Secret password) {
        return CdcConfig.defaults(KafkaSettings.of(bootstrap), pg.host(), pg.port(), password)
                .withIntervals(Duration.ofSeconds(1), Duration.ofMillis(10));
    }

    private static Process startChild(String bootstrap, LocalPostgres pg, Secret password, File log)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CdcCaptureApp.class.getName());
        Map<String, String> env = pb.environment();
        env.put("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("EHRFLOW_CDC_DB_HOST", pg.host());
        env.put("EHRFLOW_CDC_DB_PORT", Integer.toString(pg.port()));
        env.put("EHRFLOW_CDC_DB_PASSWORD", password.value());
        env.put("EHRFLOW_CDC_POLL_INTERVAL", "PT0.01S");
        env.put("EHRFLOW_CDC_HEARTBEAT_INTERVAL", "PT1S");
        // A wide commit window, so the kill surely lands between an acknowledgement and its offset commit.
        env.put("EHRFLOW_CDC_OFFSET_FLUSH_INTERVAL", "PT5S");
        env.put("EHRFLOW_CDC_OPS_HOST", "127.0.0.1");
        env.put("EHRFLOW_CDC_OPS_PORT", "0");
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }
}
