package org.ehrflow.ops.lag;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ehrflow.runtime.KafkaSettings;

/**
 * Measures every stage's lag per input partition, in offsets and in seconds. Seconds are the age of the oldest
 * unprocessed record, read from its own timestamp (not interpolated from offset rates), so a stalled stage's lag
 * keeps growing even when no new records arrive.
 */
public final class LagMonitor implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> peeker;
    private final SinkOffsetReader sinkOffsets;
    private final Clock clock;

    /** @param sinkOffsets reader of the sink's offsets in PostgreSQL, or null to skip the sink */
    public LagMonitor(KafkaSettings kafka, SinkOffsetReader sinkOffsets, Clock clock) {
        this.admin = Admin.create(kafka.clientProps());
        Properties p = kafka.clientProps();
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("max.poll.records", "1");
        p.put("client.id", "ehrflow-lag-monitor");
        this.peeker = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.sinkOffsets = sinkOffsets;
        this.clock = clock;
    }

    /** Lag of every stage on every input partition. */
    public List<PartitionLag> measure(Collection<Stage> stages) throws Exception {
        List<PartitionLag> out = new ArrayList<>();
        for (Stage stage : stages) {
            if (stage.offsetStore() == Stage.OffsetStore.POSTGRES && sinkOffsets == null) {
                continue;
            }
            List<TopicPartition> partitions = partitionsOf(stage.inputTopics());
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> committed = committed(stage);
            for (TopicPartition tp : partitions) {
                if (stage.offsetStore() == Stage.OffsetStore.POSTGRES && !tp.topic().equals(stage.inputTopics().get(0))
                        && committed.keySet().stream().noneMatch(c -> c.topic().equals(tp.topic()))) {
                    continue;
                }
                long end = ends.getOrDefault(tp, 0L);
                // No committed position yet means the stage will start from the beginning of the partition.
                long pos = committed.getOrDefault(tp, starts.getOrDefault(tp, 0L));
                long lag = Math.max(0, end - pos);
                double seconds = 0.0;
                if (lag > 0) {
                    Peek peek = peek(tp, pos, end);
                    // Only transaction markers (or aborted records) past the position: nothing left to process.
                    lag = peek.caughtUp() ? 0 : lag;
                    seconds = peek.ageSeconds();
                }
                out.add(new PartitionLag(stage.name(), tp.topic(), tp.partition(), end, pos, lag, seconds));
            }
        }
        return out;
    }

    /** Records in each DLQ topic (end minus start offsets, summed over partitions). */
    public Map<String, Long> dlqDepth(Collection<String> dlqTopics) throws Exception {
        List<TopicPartition> partitions = partitionsOf(dlqTopics);
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
        Map<String, Long> depth = new HashMap<>();
        for (TopicPartition tp : partitions) {
            depth.merge(tp.topic(), ends.getOrDefault(tp, 0L) - starts.getOrDefault(tp, 0L), Long::sum);
        }
        return depth;
    }

    private Map<TopicPartition, Long> committed(Stage stage) throws Exception {
        if (stage.offsetStore() == Stage.OffsetStore.POSTGRES) {
            return sinkOffsets.read(stage.groupId());
        }
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(stage.groupId())
                .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        m.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private List<TopicPartition> partitionsOf(Collection<String> topics) throws Exception {
        Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<TopicPartition> out = new ArrayList<>();
        for (TopicDescription td : d.values()) {
            td.partitions().forEach(p -> out.add(new TopicPartition(td.name(), p.partition())));
        }
        out.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        return out;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        partitions.forEach(tp -> req.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res = admin.listOffsets(req).all()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        res.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** What lies at and after a stage's position: the age of the first committed record, or nothing. */
    private record Peek(boolean caughtUp, double ageSeconds) {
    }

    /**
     * Reads from {@code offset} until the first committed record (its timestamp gives the lag in seconds) or the
     * end; exactly-once producers leave commit markers that occupy offsets but are no work for a consumer.
     */
    private Peek peek(TopicPartition tp, long offset, long end) {
        peeker.assign(List.of(tp));
        peeker.seek(tp, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> recs = peeker.poll(Duration.ofMillis(100));
            for (ConsumerRecord<byte[], byte[]> r : recs.records(tp)) {
                return new Peek(false, Math.max(0.0, (clock.millis() - r.timestamp()) / 1000.0));
            }
            if (peeker.position(tp) >= end) {
                return new Peek(true, 0.0);
            }
        }
        return new Peek(false, 0.0);
    }

    /** As {@link org.ehrflow.ops.dlq.DlqScanner#wakeup()}, for the consumer that peeks at partition ends. */
    public void wakeup() {
        peeker.wakeup();
    }

    @Override
    public void close() {
        peeker.close(CLOSE_TIMEOUT);
        // Admin.close() without a timeout waits for pending calls to time out: a minute against a lost broker.
        admin.close(CLOSE_TIMEOUT);
    }
}
