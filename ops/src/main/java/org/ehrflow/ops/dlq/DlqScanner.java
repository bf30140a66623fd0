package org.ehrflow.ops.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.Topics;

/**
 * Reads DLQ topics from a position up to their end at the time of the call, decoding each record into a
 * {@link DlqEntry}. Never commits offsets: it is a reader, not a consumer group member.
 */
public final class DlqScanner implements AutoCloseable {

    /** Reason codes are UPPER_SNAKE; anything else in a header (a forged or broken record) is not echoed. */
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{2,63}");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<DeadLetter> values = Topics.dlq(Topics.APP_HL7_LISTENER).valueSerde().deserializer();

    public DlqScanner(KafkaSettings kafka) {
        Properties p = kafka.clientProps();
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("client.id", "ehrflow-ops-dlq");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The DLQ topic of every application of the pipeline. */
    public static List<String> pipelineDlqTopics() {
        return List.of(Topics.APP_HL7_LISTENER, Topics.APP_FHIR_NORMALIZER, Topics.APP_CDC_CAPTURE,
                Topics.APP_CHUNKER, Topics.APP_EMBEDDER_SINK, Topics.APP_DOCUMENT_EXTRACTOR, Topics.APP_DOCUMENT_OCR)
                .stream().map(a -> Topics.dlq(a).name()).toList();
    }

    /** Every partition of the given topics that exists (missing topics are skipped). */
    public List<TopicPartition> partitions(List<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        Map<String, List<PartitionInfo>> all = consumer.listTopics(TIMEOUT);
        for (String t : topics) {
            all.getOrDefault(t, List.of()).forEach(pi -> out.add(new TopicPartition(t, pi.partition())));
        }
        return out;
    }

    /**
     * Reads each partition from {@code from} (a missing entry means its beginning) to its current end, handing
     * each entry to {@code sink}; returns the next offset per partition, for an incremental next call.
     */
    public Map<TopicPartition, Long> scan(List<TopicPartition> partitions, Map<TopicPartition, Long> from,
            Consumer<DlqEntry> sink) {
        Map<TopicPartition, Long> next = new HashMap<>(from);
        if (partitions.isEmpty()) {
            return next;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, TIMEOUT);
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            // Retention may have removed records since the last call: start at the earliest still there.
            long pos = Math.max(from.getOrDefault(tp, 0L), starts.getOrDefault(tp, 0L));
            next.put(tp, pos);
            if (pos < ends.getOrDefault(tp, 0L)) {
                consumer.seek(tp, pos);
                open.add(tp);
            }
        }
        consumer.pause(partitions);
        consumer.resume(open);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                sink.accept(entry(r));
            }
            for (TopicPartition tp : List.copyOf(open)) {
                long pos = consumer.position(tp, TIMEOUT);
                next.put(tp, pos);
                // position() passes transaction markers too, so it reaches the end even when the last is a marker.
                if (pos >= ends.get(tp)) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
        }
        return next;
    }

    /** Every entry of the given topics, from their beginning to their current end. */
    public List<DlqEntry> readAll(List<String> topics) {
        List<DlqEntry> out = new ArrayList<>();
        scan(partitions(topics), Map.of(), out::add);
        return out;
    }

    private DlqEntry entry(ConsumerRecord<String, byte[]> r) {
        DeadLetter dl;
        try {
            dl = r.value() == null ? null : values.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            dl = null;
        }
        String reason = header(r, DlqHeaders.REASON);
        if (reason == null || !CODE.matcher(reason).matches()) {
            reason = dl != null ? dl.reasonCode() : "UNDECODABLE";
        }
        return new DlqEntry(r.topic(), r.partition(), r.offset(), r.key(), reason, dl);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Aborts the blocking call in progress, or the next one, with a WakeupException: the one consumer method that
     * is safe from another thread, so a shutdown need not wait out a round against an unreachable broker.
     */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
