package org.ehrflow.gateway.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ehrflow.gateway.GatewayApp;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "a killed gateway resumes an export without duplicates or gaps", with a real kill: the gateway runs
 * as its own JVM (the production {@link GatewayApp} main, configured by environment like a deployment), exports
 * from {@link BulkTestServer} streaming two files slowly, and is killed with SIGKILL in the middle of the first
 * file. A second process on the same state directory resumes the same export (no second kick-off) and finishes it.
 * On the raw topic every line is present; only lines of the one batch that was in flight at the kill may appear
 * twice (acknowledged by the broker, not yet recorded in the state file), and then consecutively.
 */
@Timeout(300)
class GatewayKillIT {

    private static final int LINES = 3000;
    private static final int BATCH = 500; // BulkScheduler's batch size

    @TempDir
    Path dir;

    @Test
    void aGatewayKilledMidFileResumesTheExportWithoutGapsAndRepeatsAtMostTheBatchInFlight() throws Exception {
        Map<String, Path> full = new LinkedHashMap<>();
        full.put("Patient", ndjson("Patient", LINES));
        full.put("Condition", ndjson("Condition", LINES / 2));
        Files.writeString(dir.resolve("client.token"), "client-token-0123456789abcdef");
        Files.writeString(dir.resolve("bulk.token"), BulkTestServer.TOKEN);
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Path stateFile = state.resolve("kill-it.bulk-state.json");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                BulkTestServer server = new BulkTestServer(full, Map.of()).slow(100, 150)) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 2, (short) 1);

            Process first = start(kafka.bootstrapServers(), server, state, dir.resolve("first.log").toFile());
            try {
                // Killed once the state file shows acknowledged batches of the first file, before its end.
                awaitState(stateFile, s -> !s.files().isEmpty() && s.files().get(0).linesDone() >= 2L * BATCH
                        && !s.files().get(0).done(), first);
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(first.exitValue()).isEqualTo(137);
            } finally {
                first.destroyForcibly();
            }
            BulkState atKill = BulkState.load(stateFile);
            assertThat(atKill.statusUrl()).isNotNull();

            Process second = start(kafka.bootstrapServers(), server, state, dir.resolve("second.log").toFile());
            try {
                awaitState(stateFile, s -> s.statusUrl() == null
                        && BulkTestServer.TRANSACTION_TIMES[0].equals(s.since()), second);
            } finally {
                second.destroy(); // SIGTERM: the app drains and exits
                second.waitFor(60, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            assertThat(server.kickoffs).as("resumed the same export").hasSize(1);
            assertThat(server.deletes).containsExactly("/status/0");

            List<String> ids = ids(settings);
            Map<String, Integer> seen = new HashMap<>();
            ids.forEach(id -> seen.merge(id, 1, Integer::sum));
            assertThat(seen).hasSize(LINES + LINES / 2); // no gap
            List<String> repeated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertThat(seen.values()).allMatch(n -> n <= 2);
            assertThat(repeated.size()).as("at most the batch in flight is produced again").isLessThanOrEqualTo(BATCH);
            assertThat(repeated).allMatch(id -> id.startsWith("Patient/"));
            System.out.printf("GatewayKillIT: killed after %d of %d lines of the first file were acknowledged; %d of "
                    + "%d resources on the topic twice%n", atKill.files().get(0).linesDone(), LINES, repeated.size(),
                    seen.size());
        }
    }

    private Path ndjson(String type, int n) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String id = type.toLowerCase() + "-" + i;
            b.append(type.equals("Patient")
                    ? "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[{\"system\":"
                            + "\"http://hospital.example.org/mrn\",\"value\":\"K" + i + "\"}]}"
                    : "{\"resourceType\":\"Condition\",\"id\":\"" + id + "\",\"subject\":{\"reference\":"
                            + "\"Patient/patient-" + i + "\"},\"code\":{\"text\":\"Asthma\"}}").append('\n');
        }
        Path p = dir.resolve(type + ".ndjson");
        Files.writeString(p, b, StandardCharsets.UTF_8);
        return p;
    }

    private Process start(String bootstrap, BulkTestServer server, Path state, File log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GatewayApp.class.getName());
        Map<String, String> env = pb.environment();
        env.put("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("EHRFLOW_GATEWAY_HOST", "127.0.0.1");
        env.put("EHRFLOW_GATEWAY_PORT", "0");
        env.put("EHRFLOW_GATEWAY_OPS_PORT", "0");
        env.put("EHRFLOW_GATEWAY_CLIENTS", "ehr:" + dir.resolve("client.token") + ":*");
        env.put("EHRFLOW_GATEWAY_BULK_URL", server.base() + "/fhir");
        env.put("EHRFLOW_GATEWAY_BULK_LEVEL", "patient");
        env.put("EHRFLOW_GATEWAY_BULK_TYPES", "Patient,Condition");
        env.put("EHRFLOW_GATEWAY_BULK_NAME", "kill-it");
        env.put("EHRFLOW_GATEWAY_BULK_STATE_DIR", state.toString());
        env.put("EHRFLOW_GATEWAY_BULK_TOKEN_FILE", dir.resolve("bulk.token").toString());
        env.put("EHRFLOW_GATEWAY_BULK_INTERVAL", "PT1H");
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }

    private static void awaitState(Path file, Predicate<BulkState> done, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("gateway process alive").isTrue();
            if (Files.exists(file) && done.test(BulkState.load(file))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("state not reached in time: " + (Files.exists(file) ? Files.readString(file) : "-"));
    }

    private static List<String> ids(KafkaSettings settings) throws Exception {
        List<String> ids = new ArrayList<>();
        for (var r : TopicReader.readAll(settings.clientProps(), Topics.RAW_FHIR.name(), Duration.ofSeconds(20))) {
            RawMessage m = Topics.RAW_FHIR.valueSerde().deserializer().deserialize(r.topic(), r.value());
            var json = Json.MAPPER.readTree(m.payload());
            ids.add(json.path("resourceType").asText() + "/" + json.path("id").asText());
        }
        return ids;
    }
}
