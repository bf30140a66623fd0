package org.ehrflow.cdc.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.DlqHeaders;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SchemaValidator;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;

class ChangeBatchHandlerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:06Z"), ZoneOffset.UTC);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FlakyProducer producer = new FlakyProducer();
    private final ChangeBatchHandler handler = new ChangeBatchHandler(producer, new CdcMetrics(registry), CLOCK,
            Duration.ofMillis(1));
    private final Committer committer = new Committer();

    record Event(String key, String value, String destination) implements ChangeEvent<String, String> {
        @Override
        public Integer partition() {
            return null;
        }
    }

    /** Records what was marked, and how many records the broker had acknowledged at that moment. */
    final class Committer implements DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> {
        final List<ChangeEvent<String, String>> marked = new ArrayList<>();
        final List<Integer> ackedWhenMarked = new ArrayList<>();
        boolean batchFinished;

        @Override
        public void markProcessed(ChangeEvent<String, String> record) {
            marked.add(record);
            ackedWhenMarked.add(producer.history().size());
        }

        @Override
        public void markBatchFinished() {
            batchFinished = true;
        }

        @Override
        public void markProcessed(ChangeEvent<String, String> record, DebeziumEngine.Offsets offsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    }

    /** A mock broker that fails the next sends with the given error before it starts acknowledging. */
    static final class FlakyProducer extends MockProducer<String, byte[]> {
        RuntimeException failWith;
        int failuresLeft;

        FlakyProducer() {
            super(false, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized void flush() {
            while (failuresLeft > 0 && errorNext(failWith)) {
                failuresLeft--;
            }
            super.flush();
        }
    }

    static Event note(long id, String patientId) {
        return new Event("{\"id\":" + id + "}", """
                {"before":null,"after":{"id":%d,"patient_id":%s,"body":"Synthetic."},
                 "source":{"db":"ehr","schema":"ehr","table":"notes","lsn":%d,"ts_ms":1767323045000},
                 "op":"c","ts_ms":1767323045100}""".formatted(id, patientId, 1000 + id), "ehrdb.ehr.notes");
    }

    @Test
    void publishesKeyedRawRecordsAndMarksThemOnlyAfterTheAck() throws Exception {
        Event heartbeat = new Event("{\"serverName\":\"ehrdb\"}", "{\"ts_ms\":1}", "__debezium-heartbeat.ehrdb");
        List<ChangeEvent<String, String>> batch = List.of(note(1, "42"), heartbeat, note(2, "43"));

        handler.handleBatch(batch, committer);

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly(Topics.RAW_CDC.name());
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("ehr-patient:42", "ehr-patient:43");
        sent.forEach(r -> assertThat(SchemaValidator.problems(Topics.RAW_CDC, r.value())).isEmpty());
        RawMessage first = Topics.RAW_CDC.valueSerde().deserializer().deserialize("t", sent.get(0).value());
        assertThat(first.provenance().sourceMessageId()).isEqualTo("ehr.notes:1001:1");
        // every record, the heartbeat included, is marked, and only once both data records were acknowledged
        assertThat(committer.marked).containsExactlyElementsOf(batch);
        assertThat(committer.ackedWhenMarked).containsOnly(2);
        assertThat(committer.batchFinished).isTrue();
        assertThat(registry.get("ehrflow.cdc.events").tag("table", "ehr.notes").tag("op", "c").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("ehrflow.cdc.skipped").tag("kind", "heartbeat").counter().count()).isEqualTo(1);
    }

    @Test
    void unkeyableEventGoesToTheDlqWithItsOriginalBytes() throws Exception {
        Event orphan = note(3, "null");

        handler.handleBatch(List.of(orphan), committer);

        ProducerRecord<String, byte[]> dlq = producer.history().get(0);
        assertThat(dlq.topic()).isEqualTo("ehr.dlq.cdc-capture.v1");
        assertThat(SchemaValidator.problems(Topics.dlq(Topics.APP_CDC_CAPTURE), dlq.value())).isEmpty();
        DeadLetter dl = Topics.dlq(Topics.APP_CDC_CAPTURE).valueSerde().deserializer().deserialize("t", dlq.value());
        assertThat(dl.reasonCode()).isEqualTo("CDC_NO_PATIENT_ID");
        assertThat(dl.sourceMessageId()).isEqualTo("ehr.notes:1003:3");
        assertThat(new String(dl.original(), StandardCharsets.UTF_8)).isEqualTo(orphan.value());
        assertThat(new String(dlq.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("CDC_NO_PATIENT_ID");
        assertThat(committer.marked).containsExactly(orphan);
        assertThat(registry.get("ehrflow.cdc.dlq").tag("reason", "CDC_NO_PATIENT_ID").counter().count()).isEqualTo(1);
    }

    @Test
    void retriableFailureIsResentInOrderNeverDropped() throws Exception {
        producer.failWith = new TimeoutException("broker away");
        producer.failuresLeft = 1; // the first record fails once; the second lands, then is re-sent after the first

        handler.handleBatch(List.of(note(1, "42"), note(2, "42")), committer);

        assertThat(producer.history()).extracting(ProducerRecord::key).hasSize(4); // 2 attempts of 2 records
        assertThat(committer.marked).hasSize(2);
        assertThat(registry.get("ehrflow.cdc.produce.retries").counter().count()).isEqualTo(1);
    }

    @Test
    void nonRetriableFailureStopsWithoutMarking() {
        producer.failWith = new RecordTooLargeException("too large");
        producer.failuresLeft = 1;

        assertThatThrownBy(() -> handler.handleBatch(List.of(note(1, "42")), committer))
                .isInstanceOf(CaptureFailedException.class).hasMessageContaining("RecordTooLargeException");
        assertThat(committer.marked).isEmpty();
        assertThat(committer.batchFinished).isFalse();
    }

    @Test
    void stoppingAbandonsAnUnacknowledgedBatch() {
        producer.failWith = new TimeoutException("broker away");
        producer.failuresLeft = 1;
        handler.stopping();

        assertThatThrownBy(() -> handler.handleBatch(List.of(note(1, "42")), committer))
                .isInstanceOf(InterruptedException.class);
        assertThat(committer.marked).isEmpty();
    }
}
