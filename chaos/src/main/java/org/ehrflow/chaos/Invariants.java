package org.ehrflow.chaos;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.DeadLetter;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;

/**
 * The checks after a drained trial. Each returns the violations it found (codes and counts, never record content);
 * an empty list means the invariant holds.
 */
final class Invariants {

    /**
     * EHR tables captured by CDC and the id prefix of the FHIR resource each row becomes (the normaliser's
     * {@code Ids}); encounters are left out: theirs is derived from the visit number.
     */
    private static final Map<String, String> CDC_TABLES = Map.of("notes", "cdc-note-", "lab_results",
            "cdc-lab-results-", "medication_orders", "cdc-medication-orders-", "allergies", "cdc-allergies-",
            "diagnoses", "cdc-diagnoses-");

    private Invariants() {
    }

    /** Every input a source saw acknowledged reached the normalised topic (nothing acknowledged was lost). */
    static List<String> acknowledgedInputsNormalised(KafkaSettings kafka, LoadRunner.Outcome load) {
        Set<String> seen = new HashSet<>();
        readAll(kafka, Topics.FHIR_RESOURCES.name(), r -> {
            FhirRecord rec = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(r.topic(), r.value());
            seen.add(rec.provenance().sourceMessageId());
        });
        List<String> out = new ArrayList<>();
        long hl7Missing = load.hl7Accepted().stream().filter(id -> !seen.contains(id)).count();
        if (hl7Missing > 0) {
            out.add("HL7_ACK_LOST: " + hl7Missing + " of " + load.hl7Accepted().size() + " AA messages not normalised");
        }
        long fhirMissing = load.fhirAcknowledged().stream().flatMap(d -> d.resourceVersions().stream())
                .filter(v -> !seen.contains(v)).count();
        if (fhirMissing > 0) {
            out.add("FHIR_ACK_LOST: " + fhirMissing + " resource versions of " + load.fhirAcknowledged().size()
                    + " acknowledged documents not normalised");
        }
        return out;
    }

    /** Dead letters only for the deliberately bad inputs: garbage at the listener, nothing anywhere else. */
    static List<String> onlyBadInputsDeadLettered(KafkaSettings kafka, SeededInput input) {
        List<String> out = new ArrayList<>();
        for (String app : List.of(Topics.APP_HL7_LISTENER, Topics.APP_FHIR_NORMALIZER, Topics.APP_CDC_CAPTURE,
                Topics.APP_CHUNKER, Topics.APP_EMBEDDER_SINK)) {
            String topic = Topics.dlq(app).name();
            int[] good = {0};
            int[] all = {0};
            readAll(kafka, topic, r -> {
                all[0]++;
                DeadLetter d = Topics.dlq(app).valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (app.equals(Topics.APP_HL7_LISTENER)
                        && new String(d.original(), StandardCharsets.ISO_8859_1).contains("THIS IS NOT AN HL7")) {
                    return;
                }
                good[0]++;
            });
            if (good[0] > 0) {
                out.add("UNEXPECTED_DLQ: " + good[0] + " record(s) in " + topic);
            }
            if (app.equals(Topics.APP_HL7_LISTENER) && all[0] < input.badHl7()) {
                out.add("BAD_INPUT_NOT_DEAD_LETTERED: " + all[0] + " of " + input.badHl7());
            }
        }
        return out;
    }

    /**
     * Every row the EHR database holds at the end is a source record and nothing else from CDC is: a row deleted in
     * the EHR is neither a record nor searchable.
     */
    static List<String> ehrRowsExactlyIndexed(Connection ehr, Connection rag) throws SQLException {
        Set<String> expected = new TreeSet<>();
        for (Map.Entry<String, String> t : CDC_TABLES.entrySet()) {
            try (Statement st = ehr.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM ehr." + t.getKey())) {
                while (rs.next()) {
                    expected.add(t.getValue() + rs.getLong(1));
                }
            }
        }
        String ofTables = CDC_TABLES.values().stream().map(prefix -> "'" + prefix + "%'")
                .reduce((a, b) -> a + ", " + b).orElseThrow();
        Set<String> records = ids(rag, "SELECT resource_id FROM ehrflow.source_record WHERE resource_id LIKE ANY "
                + "(ARRAY[" + ofTables + "])");
        Set<String> searchable = ids(rag, "SELECT DISTINCT split_part(source_id, '/', 2) FROM ehrflow.chunk "
                + "WHERE split_part(source_id, '/', 2) LIKE ANY (ARRAY[" + ofTables + "])");
        List<String> out = new ArrayList<>();
        long missing = expected.stream().filter(id -> !records.contains(id)).count();
        long extra = records.stream().filter(id -> !expected.contains(id)).count();
        long stale = searchable.stream().filter(id -> !expected.contains(id)).count();
        if (missing > 0) {
            out.add("EHR_ROW_LOST: " + missing + " of " + expected.size() + " EHR rows have no source record");
        }
        if (extra > 0) {
            out.add("EHR_ROW_NOT_DELETED: " + extra + " source records of rows the EHR no longer has");
        }
        if (stale > 0) {
            out.add("DELETED_STILL_SEARCHABLE: " + stale + " sources deleted in the EHR still have chunks");
        }
        return out;
    }

    private static Set<String> ids(Connection c, String sql) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void readAll(KafkaSettings kafka, String topic,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties p = kafka.clientProps();
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                c.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }
}
