package org.ehrflow.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.gateway.GatewayApp;
import org.ehrflow.gateway.GatewayConfig;
import org.ehrflow.gateway.auth.Client;
import org.ehrflow.gateway.auth.ClientRegistry;
import org.ehrflow.gateway.ingest.RawFhirKeys;
import org.ehrflow.gateway.publish.GatewayPublisher;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;

/**
 * BENCHMARKS.md "FHIR gateway": resources/s accepted through the gateway (100-entry transaction Bundles, 8
 * connections, 2xx after acks=all) against producing the same Bundles straight to the raw topic from 8 threads
 * (the demo publisher's way: Jackson read for the key, one idempotent acks=all send, wait), alternating in one JVM
 * with one broker; then the latency of single-resource POSTs, one connection, closed loop.
 *
 * <p>Args: reps, seconds per window, single-POST count, then flags: {@code jdk-client} (the JDK HttpClient as the
 * client instead of {@link LeanHttpClient}), {@code gateway-only} (no direct windows after the warm-up: profiling).
 */
public final class GatewayThroughputDriver {

    private static final int CONNECTIONS = 8;
    private static final int ENTRIES = 100;
    private static final String TOKEN = "bench-token-0123456789abcdef";
    /** The client's bodies, encoded once: a client sends the bytes it has; the gateway is what is measured. */
    private static final Map<String, byte[]> BYTES = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int singles = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Set<String> flags = Set.copyOf(Arrays.asList(args).subList(Math.min(3, args.length), args.length));
        List<String> bundles = bundles(Path.of("../../shared/corpus/fhir/bundles"));
        System.out.printf("%d transaction bundles of %d entries, %d connections, load average %.1f%n",
                bundles.size(), ENTRIES, CONNECTIONS,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path dir = Files.createTempDirectory("gw-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 6, (short) 1);
            GatewayConfig config = GatewayConfig.defaults(settings, List.of(new ClientRegistry.Entry(
                    new Client("bench", Set.of(Client.ANY_TYPE)), new Secret(TOKEN)))).withPort(0);
            try (GatewayApp app = GatewayApp.start(config, new SimpleMeterRegistry());
                    KafkaProducer<String, byte[]> direct = new KafkaProducer<>(
                            GatewayPublisher.producerProps(settings, Duration.ofSeconds(10), config.maxBodyBytes()),
                            new StringSerializer(), new ByteArraySerializer())) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Callable<Connection> gateway = gateway(http, app.baseUrl(), flags.contains("jdk-client"));
                Callable<Connection> produce = () -> b -> produce(direct, b);
                // Warm-up: JIT for both paths.
                window(10, bundles, gateway);
                window(10, bundles, produce);
                double[] gw = new double[reps];
                double[] base = new double[reps];
                // "gateway-only": for a profiler, no direct windows after the warm-up.
                boolean both = !flags.contains("gateway-only");
                for (int r = 0; r < reps; r++) {
                    base[r] = both ? window(seconds, bundles, produce) * ENTRIES : 1;
                    gw[r] = window(seconds, bundles, gateway) * ENTRIES;
                    System.out.printf("rep %d: direct %.0f resources/s, gateway %.0f resources/s, ratio %.2f%n", r + 1,
                            base[r], gw[r], gw[r] / base[r]);
                }
                Arrays.sort(gw);
                Arrays.sort(base);
                System.out.printf("median: direct %.0f resources/s, gateway %.0f resources/s, ratio %.2f%n",
                        base[reps / 2], gw[reps / 2], gw[reps / 2] / base[reps / 2]);
                singlePosts(http, app.baseUrl(), singles);
            }
        }
    }

    /** One client connection's sender; closed when its window ends. */
    interface Connection extends AutoCloseable {
        void send(String bundle) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Bundles/s over {@code seconds}, {@link #CONNECTIONS} threads in a closed loop, each on its own connection. */
    private static double window(int seconds, List<String> bundles, Callable<Connection> open) throws Exception {
        AtomicLong done = new AtomicLong();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int offset = c;
                fs.add(pool.submit(() -> {
                    try (Connection conn = open.call()) {
                        int i = offset;
                        while (System.nanoTime() < until) {
                            conn.send(bundles.get(i++ % bundles.size()));
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double cores = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
        System.out.printf("  window: %.0f bundles/s, process CPU %.2f cores, %.2f ms CPU per bundle%n",
                done.get() / (double) seconds, cores, cores * 1000 * seconds / Math.max(1, done.get()));
        return done.get() / (double) seconds;
    }

    /** A lean keep-alive connection to the gateway (default), or the JDK HttpClient's pool ({@code jdk-client}). */
    private static Callable<Connection> gateway(HttpClient http, String base, boolean jdkClient) {
        if (jdkClient) {
            return () -> b -> post(http, base, b);
        }
        return () -> {
            LeanHttpClient c = new LeanHttpClient(URI.create(base), TOKEN);
            return new Connection() {
                @Override
                public void send(String bundle) throws Exception {
                    int status = c.post(bytes(bundle));
                    if (status != 200) {
                        throw new IllegalStateException("gateway answered " + status);
                    }
                }

                @Override
                public void close() throws Exception {
                    c.close();
                }
            };
        };
    }

    private static byte[] bytes(String bundle) {
        return BYTES.computeIfAbsent(bundle, b -> b.getBytes(StandardCharsets.UTF_8));
    }

    private static void post(HttpClient http, String base, String bundle) throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(bundle))).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("gateway answered " + r.statusCode());
        }
    }

    /** The demo publisher's path: key from a Jackson read, one acks=all send, wait for it. */
    private static void produce(KafkaProducer<String, byte[]> p, String bundle) throws Exception {
        JsonNode root = Json.MAPPER.readTree(bundle);
        String id = RawFhirKeys.idOf(root, bundle);
        RawMessage msg = new RawMessage(RawMessage.ContentType.FHIR_JSON, Provenance.atIngress(SourceType.FHIR,
                "bench", RawFhirKeys.messageId(root, id), null, Instant.now()), bundle);
        String topic = Topics.RAW_FHIR.name();
        p.send(new ProducerRecord<>(topic, RawFhirKeys.keyOf(root, id),
                Topics.RAW_FHIR.valueSerde().serializer().serialize(topic, msg))).get(30, TimeUnit.SECONDS);
    }

    private static void singlePosts(HttpClient http, String base, int n) throws Exception {
        long[] nanos = new long[n];
        for (int i = -200; i < n; i++) {
            String obs = "{\"resourceType\":\"Observation\",\"id\":\"bench-" + i + "\",\"status\":\"final\",\"code\":"
                    + "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":"
                    + "\"Patient/bench-p" + (i & 63) + "\"},\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"}}";
            long t0 = System.nanoTime();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/Observation"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(obs)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("gateway answered " + r.statusCode());
            }
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("single-resource POST, 1 connection, %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                n, nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6, nanos[n - 1] / 1e6);
    }

    /** 100-entry transaction Bundles cut from the Synthea corpus: each the patient plus 99 of their resources. */
    static List<String> bundles(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().contains("patient_bundle")).sorted().toList()) {
                JsonNode root = Json.MAPPER.readTree(Files.readString(f));
                JsonNode entries = root.path("entry");
                JsonNode patient = null;
                List<JsonNode> rest = new ArrayList<>();
                for (JsonNode e : entries) {
                    if ("Patient".equals(e.path("resource").path("resourceType").asText())) {
                        patient = e;
                    } else {
                        rest.add(e);
                    }
                }
                for (int from = 0; patient != null && from + ENTRIES - 1 <= rest.size(); from += ENTRIES - 1) {
                    ObjectNode b = Json.MAPPER.createObjectNode();
                    b.put("resourceType", "Bundle");
                    b.put("id", f.getFileName().toString().replaceAll("[^A-Za-z0-9]", "").substring(0, 20) + "-"
                            + from);
                    b.put("type", "transaction");
                    ArrayNode arr = b.putArray("entry");
                    arr.add(patient);
                    rest.subList(from, from + ENTRIES - 1).forEach(arr::add);
                    out.add(Json.MAPPER.writeValueAsString(b));
                }
            }
        }
        return out;
    }
}
