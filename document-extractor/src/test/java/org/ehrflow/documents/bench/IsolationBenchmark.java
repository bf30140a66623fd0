package org.ehrflow.documents.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.documents.Docs;
import org.ehrflow.documents.DocumentExtractorApp;
import org.ehrflow.documents.DocumentExtractorConfig;
import org.ehrflow.documents.extract.Fixtures;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.Topics;

/**
 * Isolation (BENCHMARKS.md, "Documents"): freshness of small documents (an HTML report, produce to committed
 * DocumentText) through the running extractor on a real broker, without and then with a burst of scanned pages
 * landing in the same partitions. Args: seconds per phase, small records per second, burst pages, OCR threads,
 * and "separate" to run the OCR lane as its own JVM under {@code nice -n 10} (as a deployment would run it in its
 * own container), else both lanes in this JVM.
 */
public final class IsolationBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int ocrThreads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        boolean separate = args.length > 4 && args[4].equals("separate");
        Path state = Files.createTempDirectory("ehrflow-isolation");
        byte[] scan = Fixtures.scannedPdf(List.of("CONSULT NOTE\nAssessment: stable angina.\nPlan: stress test."), 9);
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 4, (short) 1);
            DocumentExtractorConfig base = DocumentExtractorConfig.defaults(settings, state);
            DocumentExtractorConfig config = base.withThreads(1, ocrThreads)
                    .withLanes(separate ? DocumentExtractorConfig.Lanes.FAST : DocumentExtractorConfig.Lanes.BOTH);
            Process slowLane = null;
            if (separate) {
                ProcessBuilder pb = new ProcessBuilder("nice", "-n", "10",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), "-Dlogback.configurationFile="
                        + System.getProperty("logback.configurationFile", ""),
                        "org.ehrflow.documents.DocumentExtractorApp");
                pb.environment().putAll(Map.of("EHRFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "EHRFLOW_DOCUMENTS_LANES", "SLOW", "EHRFLOW_DOCUMENTS_OPS_PORT", "0",
                        "EHRFLOW_DOCUMENTS_OPS_HOST", "127.0.0.1", "EHRFLOW_DOCUMENTS_OCR_THREADS",
                        Integer.toString(ocrThreads), "EHRFLOW_DOCUMENTS_STATE_DIR", state.resolve("slow").toString()));
                pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                slowLane = pb.start();
            }
            Map<String, Long> sent = new ConcurrentHashMap<>();
            List<Long> freshness = Collections.synchronizedList(new ArrayList<>());
            Map<String, Long> ocrDone = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            try (DocumentExtractorApp app = DocumentExtractorApp.start(config, new SimpleMeterRegistry());
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.clientProps(),
                         new StringSerializer(), new ByteArraySerializer())) {
                Thread reader = new Thread(() -> read(settings, sent, freshness, ocrDone, stop), "reader");
                reader.start();
                Thread.sleep(5000); // groups settle
                // Warm-up (discarded): JIT, the first transactions, the consumer's first fetches.
                phase(producer, Math.max(5, seconds / 2), rate, 0, scan, sent, freshness, "warmup");
                List<Long> quiet = phase(producer, seconds, rate, 0, scan, sent, freshness, "quiet");
                List<Long> loaded = phase(producer, seconds, rate, burst, scan, sent, freshness, "burst");
                long burstStart = System.nanoTime();
                while (ocrDone.size() < burst && System.nanoTime() - burstStart < 600e9) {
                    Thread.sleep(200);
                }
                stop.set(true);
                reader.join();
                if (slowLane != null) {
                    slowLane.destroy();
                    slowLane.waitFor();
                }
                System.out.printf("small documents, %d/s for %d s per phase, %d partitions, OCR threads %d, OCR lane "
                        + "%s:%n", rate, seconds, 4, ocrThreads, separate ? "in its own JVM (nice 10)" : "in this JVM");
                System.out.printf("  without burst: n=%d p50=%d ms p99=%d ms%n", quiet.size(), pct(quiet, 50),
                        pct(quiet, 99));
                System.out.printf("  with %d scanned pages: n=%d p50=%d ms p99=%d ms (ratio p99 %.2f); scans done: %d%n",
                        burst, loaded.size(), pct(loaded, 50), pct(loaded, 99),
                        (double) pct(loaded, 99) / Math.max(1, pct(quiet, 99)), ocrDone.size());
            }
        }
    }

    private static List<Long> phase(KafkaProducer<String, byte[]> producer, int seconds, int rate, int burst,
            byte[] scan, Map<String, Long> sent, List<Long> freshness, String name) throws Exception {
        freshness.clear();
        long start = System.nanoTime();
        int n = seconds * rate;
        for (int i = 0; i < n; i++) {
            if (burst > 0 && i == rate * 2) { // two seconds in: the burst lands
                for (int b = 0; b < burst; b++) {
                    String pk = PatientKey.of("urn:bench", "scan-" + b);
                    FhirRecord rec = new FhirRecord(pk, RecordOp.UPSERT, "DocumentReference", name + "-scan-" + b,
                            "1", null, Docs.documentReference("application/pdf", scan), Docs.provenance());
                    producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), pk, Docs.bytes(rec)));
                }
            }
            String pk = PatientKey.of("urn:bench", "small-" + (i % 40));
            String id = name + "-small-" + i;
            byte[] html = ("<html><body><p>Potassium 4.1 mmol/L, record " + i + "</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            FhirRecord rec = new FhirRecord(pk, RecordOp.UPSERT, "DocumentReference", id, "1", null,
                    Docs.documentReference("text/html", html), Docs.provenance());
            sent.put(id, System.nanoTime());
            producer.send(new ProducerRecord<>(Topics.FHIR_RESOURCES.name(), pk, Docs.bytes(rec)));
            long next = start + (long) ((i + 1) * 1e9 / rate);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (freshness.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return new ArrayList<>(freshness);
    }

    private static void read(KafkaSettings settings, Map<String, Long> sent, List<Long> freshness,
            Map<String, Long> ocrDone, AtomicBoolean stop) {
        Properties p = settings.clientProps();
        p.putAll(Map.of("group.id", "isolation-bench", "auto.offset.reset", "earliest", "isolation.level",
                System.getProperty("isolation", "read_committed")));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DOCUMENT_TEXT.name()));
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                    DocumentText d = Topics.DOCUMENT_TEXT.valueSerde().deserializer().deserialize("", r.value());
                    Long t = sent.remove(d.resourceId());
                    if (t != null) {
                        freshness.add((System.nanoTime() - t) / 1_000_000);
                    } else if (d.resourceId().contains("-scan-")) {
                        ocrDone.put(d.resourceId(), System.nanoTime());
                    }
                }
            }
        }
    }

    private static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
