package org.ehrflow.ops.canary;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.mllp.MllpClient;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;

/**
 * Injects one canary event through a source and says how to recognise its chunk rows: HL7 over MLLP (waits for
 * the listener's AA), a raw FHIR record on the raw FHIR topic (waits for the broker's ack), a note row in the EHR
 * database (committed; Debezium captures it).
 */
public final class CanaryInjector implements AutoCloseable {

    /**
     * How the sink's rows of one injected event are found. HL7 and FHIR canaries keep replacing one document, so
     * a later canary's rows may replace this one's before a probe sees them: any source message id with
     * {@code prefix} that sorts at or after {@code messageId} counts (sequence numbers have a fixed width). CDC
     * canaries are new rows: {@code messageId} is a LIKE pattern.
     */
    public record Probe(CanaryConfig.Source source, long seq, String prefix, String messageId, long noteId) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CanaryConfig config;
    private final KafkaProducer<String, RawMessage> fhir;
    private EhrWriter ehr;
    private long canaryPatientId = -1;

    public CanaryInjector(CanaryConfig config, KafkaSettings kafka) {
        this.config = config;
        Properties p = kafka.clientProps();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("client.id", "ehrflow-ops-canary");
        this.fhir = config.sources().contains(CanaryConfig.Source.FHIR) ? new KafkaProducer<>(p,
                Topics.RAW_FHIR.keySerde().serializer(), Topics.RAW_FHIR.valueSerde().serializer()) : null;
    }

    /** Sends canary event {@code seq} through {@code source}; returns how to find it once searchable. */
    public Probe inject(CanaryConfig.Source source, long seq, Instant now) throws Exception {
        return switch (source) {
            case HL7 -> {
                try (MllpClient c = MllpClient.connect(config.mllpHost(), config.mllpPort(), TIMEOUT)) {
                    String ack = c.send(CanaryMessages.hl7(seq, now));
                    if (!"AA".equals(MllpClient.ackCode(ack))) {
                        throw new IllegalStateException("listener answered " + MllpClient.ackCode(ack));
                    }
                }
                yield new Probe(source, seq, CanaryMessages.HL7_PREFIX, CanaryMessages.hl7ControlId(seq), -1);
            }
            case FHIR -> {
                String id = CanaryMessages.fhirMessageId(seq);
                RawMessage msg = new RawMessage(RawMessage.ContentType.FHIR_JSON,
                        Provenance.atIngress(SourceType.FHIR, "ehrflow-canary", id, now, now),
                        CanaryMessages.fhir(seq, now));
                fhir.send(new ProducerRecord<>(Topics.RAW_FHIR.name(),
                        "fhir-patient:" + CanaryMessages.FHIR_PATIENT_ID, msg)).get(30, TimeUnit.SECONDS);
                yield new Probe(source, seq, CanaryMessages.FHIR_PREFIX, id, -1);
            }
            case CDC -> {
                long note = ehr().insertNote(canaryPatient(), null, "Progress note", "ehrflow-canary", now,
                        CanaryMessages.body("cdc", seq));
                // "<schema>.<table>:<lsn>:<row id>": the LSN is known only to the capture.
                yield new Probe(source, seq, null, "ehr.notes:%:" + note, note);
            }
        };
    }

    /** Removes a measured CDC note, so the canary's rows stay bounded (the deletion flows through the pipeline). */
    public void cleanUp(Probe p) {
        if (p.source() == CanaryConfig.Source.CDC && p.noteId() > 0) {
            ehr().deleteNote(p.noteId());
        }
    }

    private EhrWriter ehr() {
        if (ehr == null) {
            ehr = new EhrWriter(config.ehrJdbcUrl(), config.ehrUser(), config.ehrPassword());
        }
        return ehr;
    }

    /** The canary's row in ehr.patients, created on first use. */
    private long canaryPatient() throws Exception {
        if (canaryPatientId > 0) {
            return canaryPatientId;
        }
        Properties p = new Properties();
        p.setProperty("user", config.ehrUser());
        p.setProperty("password", config.ehrPassword().value());
        try (Connection c = DriverManager.getConnection(config.ehrJdbcUrl(), p);
                PreparedStatement ps = c.prepareStatement("SELECT id FROM ehr.patients WHERE mrn = ?")) {
            ps.setString(1, CanaryMessages.MRN);
            try (ResultSet rs = ps.executeQuery()) {
                canaryPatientId = rs.next() ? rs.getLong(1)
                        : ehr().insertPatient(CanaryMessages.MRN, "Canary", "Synthetic", LocalDate.of(2000, 1, 1),
                                "unknown");
            }
        }
        return canaryPatientId;
    }

    @Override
    public void close() {
        if (fhir != null) {
            fhir.close();
        }
        if (ehr != null) {
            ehr.close();
        }
    }
}
