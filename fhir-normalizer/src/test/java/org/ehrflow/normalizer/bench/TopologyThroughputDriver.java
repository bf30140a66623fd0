package org.ehrflow.normalizer.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ehrflow.localstack.KafkaFixture;
import org.ehrflow.normalizer.NormalizerApp;
import org.ehrflow.normalizer.NormalizerConfig;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.TopicAdmin;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Topics;

/**
 * Records/s of the whole normaliser topology (exactly_once_v2, one stream thread) on a real broker
 * ({@link KafkaFixture}), fed with the corpus HL7 messages that map, cycled to {@code count} raw records; and, in
 * the same run, the single-thread in-process mapping rate over the same messages as the baseline. Not a test:
 * {@code java ... org.ehrflow.normalizer.bench.TopologyThroughputDriver [count]}.
 */
public final class TopologyThroughputDriver {

    private TopologyThroughputDriver() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Hl7v2Mapper mapper = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);
        List<byte[]> raws = new ArrayList<>();
        for (String m : corpus(mapper)) {
            raws.add(Topics.RAW_HL7V2.valueSerde().serializer().serialize("t", ConverterBenchmark.raw(m)));
        }
        double mapRate = inProcessRate(mapper, count);
        Path state = Files.createTempDirectory("ehrflow-bench-state");
        try (KafkaFixture kafka = KafkaFixture.start()) {
            KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
            TopicAdmin.ensureTopics(settings, 1, (short) 1);
            try (KafkaProducer<String, byte[]> producer = producer(settings)) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(Topics.RAW_HL7V2.name(), "k" + (i % 97),
                            raws.get(i % raws.size())));
                }
                producer.flush();
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            NormalizerConfig config = NormalizerConfig.defaults(settings).withStateDir(state);
            try (NormalizerApp app = NormalizerApp.start(config, registry)) {
                long first = 0;
                long deadline = System.nanoTime() + 300_000_000_000L;
                double in = 0;
                while (in < count && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    Counter c = registry.find("ehrflow.normalizer.records.in").counter();
                    in = c == null ? 0 : c.count();
                    if (first == 0 && in > 0) {
                        first = System.nanoTime();
                    }
                }
                double seconds = (System.nanoTime() - first) / 1e9;
                double out = registry.find("ehrflow.normalizer.records.out").counters().stream()
                        .mapToDouble(Counter::count).sum();
                System.out.printf("topology (exactly_once_v2, 1 thread, commit %s): %.0f raw records in %.2f s = %.0f "
                        + "raw records/s, %.0f FHIR records/s out%n", config.commitInterval(), in, seconds,
                        in / seconds, out / seconds);
                System.out.printf("baseline in-process map+encode, 1 thread: %.0f messages/s; topology/baseline = "
                        + "%.2f%n", mapRate, (in / seconds) / mapRate);
            }
        }
    }

    private static double inProcessRate(Hl7v2Mapper mapper, int count) throws IOException {
        List<String> msgs = corpus(mapper);
        for (int i = 0; i < 2000; i++) {
            mapper.map("k", ConverterBenchmark.raw(msgs.get(i % msgs.size())), LinkLookup.NONE); // warm up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            MappingResult r = mapper.map("k", ConverterBenchmark.raw(msgs.get(i % msgs.size())), LinkLookup.NONE);
            if (r instanceof MappingResult.Mapped m) {
                m.records().forEach(rec -> Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", rec));
            }
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static List<String> corpus(Hl7v2Mapper mapper) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(ConverterBenchmark.CORPUS)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".hl7")).sorted().toList()) {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                if (mapper.map("k", ConverterBenchmark.raw(text), LinkLookup.NONE) instanceof MappingResult.Mapped) {
                    out.add(text);
                }
            }
        }
        return out;
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings settings) {
        Properties p = new Properties();
        p.putAll(settings.clientProps());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
