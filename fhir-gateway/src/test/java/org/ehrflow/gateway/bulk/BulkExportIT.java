package org.ehrflow.gateway.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ehrflow.gateway.ingest.NdjsonRecords;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.TopicReader;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Bulk Data export of the corpus's Synthea NDJSON (10 patients; Patient, Condition, DocumentReference) from
 * {@link BulkTestServer} into the raw topic on the in-JVM broker: the gateway "dies" mid-file, a new exporter
 * resumes from the state file, and every line is on the topic exactly once; the next run is incremental
 * ({@code _since} = the first export's transactionTime).
 */
@Timeout(240)
class BulkExportIT {

    private static final Path NDJSON = Path.of("../../shared/corpus/fhir/ndjson");
    private static final String CHANGED = "{\"resourceType\":\"Patient\",\"id\":\"bulk-changed-1\",\"identifier\":[{"
            + "\"system\":\"http://hospital.example.org/mrn\",\"value\":\"77\"}]}";

    @TempDir
    Path dir;

    @Test
    void exportResumesAfterACrashWithoutDuplicatesOrGapsThenRunsIncrementally() throws Exception {
        Map<String, Path> full = new LinkedHashMap<>();
        full.put("Patient", NDJSON.resolve("smartbulk_10pt_Patient.000.ndjson"));
        full.put("Condition", NDJSON.resolve("smartbulk_10pt_Condition.000.ndjson"));
        full.put("DocumentReference", NDJSON.resolve("smartbulk_10pt_DocumentReference.000.ndjson"));
        List<String> lines = new ArrayList<>();
        for (Path p : full.values()) {
            Files.readAllLines(p).stream().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                BulkTestServer server = new BulkTestServer(full, Map.of("Patient", CHANGED + "\n"))) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 3, (short) 1);
            BulkJob job = new BulkJob("bulk-it", server.base() + "/fhir", "patient",
                    List.of("Patient", "Condition", "DocumentReference"), new Secret(BulkTestServer.TOKEN),
                    dir.resolve("bulk-it.state.json"));
            try (GatewayPublisher publisher = GatewayPublisher.create(settings, Duration.ofSeconds(10), 4 << 20)) {
                BulkExporter.BatchSink acked = batch -> publisher.publishAll(batch).get(30, TimeUnit.SECONDS);
                AtomicInteger batches = new AtomicInteger();
                BulkExporter.BatchSink dying = batch -> {
                    // The process dies while the 8th batch (in the DocumentReference file) is being sent.
                    if (batches.incrementAndGet() == 8) {
                        throw new IllegalStateException("simulated crash");
                    }
                    acked.publish(batch);
                };
                NdjsonRecords records = new NdjsonRecords(Clock.systemUTC());
                assertThatThrownBy(() -> new BulkExporter(Duration.ofSeconds(10), Duration.ofMinutes(1), 100, records,
                        dying).run(job)).hasMessage("simulated crash");
                BulkState afterCrash = BulkState.load(job.stateFile());
                assertThat(afterCrash.statusUrl()).isNotNull();
                assertThat(afterCrash.files()).extracting(BulkState.FileState::done).containsExactly(true, true, false);

                BulkExporter.Progress resumed = new BulkExporter(Duration.ofSeconds(10), Duration.ofMinutes(1), 100,
                        records, acked).run(job);
                assertThat(server.kickoffs).hasSize(1); // resumed the same export, no new kick-off
                assertThat(resumed.resources()).isLessThan(lines.size());
                assertThat(server.deletes).containsExactly("/status/0");

                List<String> onTopic = payloads(settings);
                assertThat(onTopic).hasSize(lines.size()).containsExactlyInAnyOrderElementsOf(lines);

                BulkExporter.Progress incremental = new BulkExporter(Duration.ofSeconds(10), Duration.ofMinutes(1),
                        100, records, acked).run(job);
                assertThat(server.kickoffs).hasSize(2);
                assertThat(server.kickoffs.get(1)).contains("_since=2026-12-01T00%3A00%3A00Z")
                        .contains("_type=Patient%2CCondition%2CDocumentReference");
                assertThat(incremental.resources()).isEqualTo(1);
                assertThat(payloads(settings)).hasSize(lines.size() + 1).contains(CHANGED);
                assertThat(BulkState.load(job.stateFile()).since()).isEqualTo(BulkTestServer.TRANSACTION_TIMES[1]);
            }
        }
    }

    private static List<String> payloads(KafkaSettings settings) {
        return TopicReader.readAll(settings.clientProps(), Topics.RAW_FHIR.name(), Duration.ofSeconds(20)).stream()
                .map(r -> ((RawMessage) Topics.RAW_FHIR.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                        .payload())
                .toList();
    }
}
