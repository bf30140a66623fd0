package org.ehrflow.ops.dlq;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Topics;

/**
 * Sends dead letters' original bytes back to the topic they were read from (or, for ingress rejects of the
 * listener, to the raw HL7 topic) once the fault is fixed. Replay is at-least-once: replaying twice sends twice,
 * which the pipeline tolerates because every stage derives deterministic ids and the sink upserts.
 */
public final class DlqReplayer implements AutoCloseable {

    /** Header on a replayed record naming the DLQ record it came from, for tracing. */
    public static final String REPLAYED_FROM = "ehrflow.replayed.from";

    private final KafkaProducer<String, byte[]> producer;

    public DlqReplayer(KafkaSettings kafka) {
        Properties p = kafka.clientProps();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("client.id", "ehrflow-ops-dlq-replay");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Where an entry goes back to, or null when it cannot be replayed (undecodable, unknown origin). */
    public static String target(DlqEntry e) {
        if (e.deadLetter() == null) {
            return null;
        }
        if (e.deadLetter().sourceTopic() != null) {
            return e.deadLetter().sourceTopic();
        }
        // The listener rejects at ingress, before any topic: its input is the raw HL7 topic.
        return Topics.APP_HL7_LISTENER.equals(e.deadLetter().stage()) ? Topics.RAW_HL7V2.name() : null;
    }

    /** Replays the entries, waiting for every acknowledgement; returns how many were sent. */
    public int replay(List<DlqEntry> entries) throws Exception {
        int sent = 0;
        for (DlqEntry e : entries) {
            String to = target(e);
            if (to == null) {
                continue;
            }
            RecordHeaders h = new RecordHeaders();
            h.add(REPLAYED_FROM, e.position().getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(to, null, e.key(), e.deadLetter().original(), h))
                    .get(30, TimeUnit.SECONDS);
            sent++;
        }
        producer.flush();
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
