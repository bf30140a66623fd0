package org.ehrflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.Stage;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lag in offsets and seconds against a real broker: a group that committed part of a partition. */
class LagMonitorIT {

    @Test
    @Timeout(120)
    void lagInOffsetsAndSecondsFromTheOldestUnprocessedRecord() throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 1, (short) 1);
            long t0 = System.currentTimeMillis() - 60_000;
            Properties p = settings.clientProps();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    // Record timestamps one second apart, starting a minute ago.
                    producer.send(new ProducerRecord<>(Topics.RAW_HL7V2.name(), 0, t0 + i * 1000L, "k", "v" + i))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            try (Admin admin = Admin.create(settings.clientProps())) {
                admin.alterConsumerGroupOffsets(Topics.APP_FHIR_NORMALIZER,
                        Map.of(new TopicPartition(Topics.RAW_HL7V2.name(), 0), new OffsetAndMetadata(2)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Clock clock = Clock.fixed(Instant.ofEpochMilli(t0 + 62_000), ZoneOffset.UTC);
            try (LagMonitor monitor = new LagMonitor(settings, null, clock)) {
                List<PartitionLag> lags = monitor.measure(List.of(Stage.pipeline().get(0)));
                PartitionLag hl7 = lags.stream().filter(l -> l.topic().equals(Topics.RAW_HL7V2.name()))
                        .findFirst().orElseThrow();
                assertThat(hl7.endOffset()).isEqualTo(5);
                assertThat(hl7.committedOffset()).isEqualTo(2);
                assertThat(hl7.lagOffsets()).isEqualTo(3);
                // Oldest unprocessed record is offset 2, stamped t0+2s; the clock says t0+62s.
                assertThat(hl7.lagSeconds()).isEqualTo(60.0);
                // A topic nobody has consumed yet lags from its start; empty topics lag zero.
                assertThat(lags).filteredOn(l -> l.topic().equals(Topics.RAW_FHIR.name()))
                        .allSatisfy(l -> assertThat(l.lagOffsets()).isZero());
                assertThat(monitor.dlqDepth(List.of(Topics.dlq(Topics.APP_HL7_LISTENER).name())))
                        .containsEntry(Topics.dlq(Topics.APP_HL7_LISTENER).name(), 0L);
            }
        }
    }
}
