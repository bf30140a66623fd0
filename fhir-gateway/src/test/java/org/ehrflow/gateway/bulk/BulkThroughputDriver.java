package org.ehrflow.gateway.bulk;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ehrflow.gateway.ingest.NdjsonRecords;
import org.ehrflow.gateway.ingest.RawRecord;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;

/**
 * BENCHMARKS.md "FHIR gateway", bulk import: resources/s from an NDJSON file through the gateway's $export client
 * (HTTP download from {@link BulkTestServer}, batches of 500, acks=all, state file after every batch) against
 * reading the same file from disk and producing it in the same batches, alternating in one JVM with one broker.
 * The file is made larger than the heap (run with a small -Xmx) to show the download streams; heap peak and the
 * process's VmHWM are printed. Args: file MB, reps.
 */
public final class BulkThroughputDriver {

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("gw-bulk-bench");
        Path file = dir.resolve("DocumentReference.ndjson");
        long lines = generate(file, mb * 1024L * 1024L);
        System.out.printf("NDJSON %d MB, %d lines, max heap %d MB%n", Files.size(file) >> 20, lines,
                Runtime.getRuntime().maxMemory() >> 20);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 6, (short) 1);
            NdjsonRecords records = new NdjsonRecords(Clock.systemUTC());
            try (GatewayPublisher publisher = GatewayPublisher.create(settings, Duration.ofSeconds(30), 4 << 20)) {
                BulkExporter.BatchSink sink = batch -> publisher.publishAll(batch).get(60, TimeUnit.SECONDS);
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    long direct = direct(file, records, sink);
                    double directRate = direct / ((System.nanoTime() - t0) / 1e9);
                    // A fresh server and state file each rep: a full export, as the first run of a job.
                    BulkTestServer server = new BulkTestServer(Map.of("DocumentReference", file), Map.of());
                    BulkJob job = new BulkJob("bench", server.base() + "/fhir", "patient", List.of(),
                            new Secret(BulkTestServer.TOKEN), dir.resolve("state-" + r + ".json"));
                    long t1 = System.nanoTime();
                    BulkExporter.Progress p = new BulkExporter(Duration.ofSeconds(30), Duration.ofMinutes(5), 500,
                            records, sink).run(job);
                    server.close();
                    // The test server answers the first status poll with Retry-After: 1; that second is not counted.
                    double viaRate = p.resources() / ((System.nanoTime() - t1) / 1e9 - 1.0);
                    System.out.printf("rep %d: direct %.0f resources/s, via $export client %.0f resources/s, "
                            + "ratio %.2f%n", r + 1, directRate, viaRate, viaRate / directRate);
                }
            }
        }
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElse("VmHWM: ?");
        System.out.printf("heap peak (sum of pool peaks) %d MB; process %s%n", heapPeak >> 20, hwm.replaceAll("\\s+",
                " "));
    }

    private static long direct(Path file, NdjsonRecords records, BulkExporter.BatchSink sink) throws Exception {
        long n = 0;
        List<RawRecord> batch = new ArrayList<>(500);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                records.of(line, "bench-direct").ifPresent(batch::add);
                if (batch.size() == 500) {
                    sink.publish(batch);
                    n += batch.size();
                    batch.clear();
                }
            }
        }
        sink.publish(batch);
        return n + batch.size();
    }

    /** Corpus DocumentReference and Condition lines repeated (each copy with its own id) up to {@code bytes}. */
    private static long generate(Path out, long bytes) throws Exception {
        Path corpus = Path.of("../../shared/corpus/fhir/ndjson");
        List<String> seed = new ArrayList<>(Files.readAllLines(corpus.resolve("smartbulk_10pt_DocumentReference.000.ndjson")));
        seed.addAll(Files.readAllLines(corpus.resolve("smartbulk_10pt_Condition.000.ndjson")));
        long written = 0;
        long n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int copy = 0; written < bytes; copy++) {
                for (String l : seed) {
                    String line = l.replaceFirst("\"id\":\"", "\"id\":\"c" + copy + "-");
                    w.write(line);
                    w.write('\n');
                    written += line.length() + 1;
                    n++;
                }
            }
        }
        return n;
    }
}
