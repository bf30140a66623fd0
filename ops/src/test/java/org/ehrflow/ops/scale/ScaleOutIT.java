package org.ehrflow.ops.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.chunker.ChunkerApp;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.SinkOffsetReader;
import org.ehrflow.ops.lag.Stage;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;
import org.ehrflow.sink.SinkApp;
import org.ehrflow.sink.SinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on the local stack: a second instance of the normaliser, the chunker and the sink joins; each group's
 * partitions split between the instances; the second instances leave while messages flow; every message ends up
 * searchable, no output record is produced twice for one input record, and the sink's stored positions reach
 * the end of its input.
 */
class ScaleOutIT {

    private static final int PARTITIONS = 4;
    private static final int MESSAGES = 60;

    @Test
    @Timeout(300)
    void workSplitsByPartitionAndNothingIsLostOrDuplicatedAcrossARebalance(@TempDir Path work) throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start(); LocalPostgres pg = LocalPostgres.startTemporary()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            try (Pipeline pipeline = Pipeline.start(settings, pg, work, PARTITIONS, new SimpleMeterRegistry())) {
                NormalizerApp normalizer2 = NormalizerApp.start(NormalizerConfig.defaults(settings)
                        .withStateDir(work.resolve("normalizer-2")), new SimpleMeterRegistry());
                ChunkerApp chunker2 = ChunkerApp.start(Pipeline.chunkerConfig(settings, work.resolve("chunker-2")),
                        new SimpleMeterRegistry());
                SinkApp sink2 = SinkApp.start(SinkConfig.defaults(settings, pg.jdbcUrl(Pipeline.RAG_DB),
                        pg.superuser(), pg.superuserPassword()), new SimpleMeterRegistry());
                try (MllpClient mllp = MllpClient.connect("127.0.0.1", pipeline.mllpPort(), Duration.ofSeconds(30));
                        Admin admin = Admin.create(settings.clientProps())) {
                    send(mllp, 0, MESSAGES / 2);
                    // Both instances of every stage hold a disjoint, non-empty share of the partitions.
                    Pipeline.await("the pipeline", () -> split(admin, Topics.APP_FHIR_NORMALIZER)
                            && split(admin, Topics.APP_CHUNKER) && split(admin, Topics.APP_EMBEDDER_SINK),
                            Duration.ofSeconds(90));
                    // The second instances leave: their partitions move back while messages keep coming.
                    normalizer2.close();
                    chunker2.close();
                    sink2.close();
                    send(mllp, MESSAGES / 2, MESSAGES);
                }
                Pipeline.await("the pipeline", () -> searchable(pg) == MESSAGES, Duration.ofSeconds(120));
                assertNoDuplicates(settings);
                try (LagMonitor lag = new LagMonitor(settings, new SinkOffsetReader(pg.jdbcUrl(Pipeline.RAG_DB),
                        pg.superuser(), pg.superuserPassword().value()), Clock.systemUTC())) {
                    Pipeline.await("the pipeline", () -> {
                        try {
                            return lag.measure(Stage.pipeline()).stream().mapToLong(PartitionLag::lagOffsets).sum()
                                    == 0;
                        } catch (Exception e) {
                            return false;
                        }
                    }, Duration.ofSeconds(60));
                }
            }
        }
    }

    /** MDM^T02 for synthetic patient {@code i}: one note, MSH-10 SCALE-i. */
    private static void send(MllpClient mllp, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String msg = String.join("\r",
                    "MSH|^~\\&|SCALE|HOSP|EHRFLOW|HOSP|20260102030405||MDM^T02^MDM_T02|SCALE-" + i + "|P|2.5.1",
                    "EVN|T02|20260102030405",
                    // PID-3 a synthetic MRN per message, so records spread over the partitions
                    "PID|1||SCALE-MRN-" + i + "^^^HOSP^MR||Scale^Synthetic||20000101|U",
                    "TXA|1|PN^Progress note|TX|20260102030405|||||||SCALE-DOC-" + i + "||||||AU",
                    "OBX|1|TX|11506-3^Progress note^LN||Synthetic scale-out note number " + i + ".||||||F",
                    "");
            assertThat(MllpClient.ackCode(mllp.send(msg))).isEqualTo("AA");
        }
    }

    /** Whether the group has at least two members, each holding partitions, no partition held twice. */
    private static boolean split(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                    .get(group);
            List<MemberDescription> holding = d.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).toList();
            Set<TopicPartition> seen = new HashSet<>();
            for (MemberDescription m : holding) {
                for (TopicPartition tp : m.assignment().topicPartitions()) {
                    if (!seen.add(tp)) {
                        return false;
                    }
                }
            }
            return holding.size() >= 2;
        } catch (Exception e) {
            return false;
        }
    }

    private static long searchable(LocalPostgres pg) {
        try (Connection c = pg.connect(Pipeline.RAG_DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT source_message_id) FROM ehrflow.chunk"
                        + " WHERE source_message_id LIKE 'SCALE-%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** No output record twice for one input record: per (resource, raw partition, raw offset), read committed. */
    private static void assertNoDuplicates(KafkaSettings settings) {
        Map<String, Integer> resources = count(settings, Topics.FHIR_RESOURCES.name(),
                Topics.FHIR_RESOURCES.valueSerde().deserializer(), (FhirRecord r) -> r.resourceType() + "/"
                        + r.resourceId() + "@" + r.provenance().rawPartition() + ":" + r.provenance().rawOffset());
        Map<String, Integer> sets = count(settings, Topics.CHUNKS.name(), Topics.CHUNKS.valueSerde().deserializer(),
                (ChunkSet s) -> s.sourceId() + "@" + s.provenance().rawPartition() + ":" + s.provenance().rawOffset());
        assertThat(resources).isNotEmpty();
        assertThat(sets).isNotEmpty();
        assertThat(resources.entrySet()).filteredOn(e -> e.getValue() > 1).isEmpty();
        assertThat(sets.entrySet()).filteredOn(e -> e.getValue() > 1).isEmpty();
    }

    private static <V> Map<String, Integer> count(KafkaSettings settings, String topic, Deserializer<V> values,
            Function<V, String> id) {
        var p = settings.clientProps();
        p.put("isolation.level", "read_committed");
        Map<String, Integer> out = new HashMap<>();
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(200))) {
                    out.merge(id.apply(r.value()), 1, Integer::sum);
                }
            }
        }
        return out;
    }
}
