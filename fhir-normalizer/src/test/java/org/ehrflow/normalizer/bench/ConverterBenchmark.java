package org.ehrflow.normalizer.bench;

import io.github.linuxforhealth.hl7.ConverterOptions;
import io.github.linuxforhealth.hl7.HL7ToFHIRConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;
import org.ehrflow.schemas.Topics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Messages/s per thread, per message type, for parse + map + encode of the shared corpus's HL7 messages: this
 * module ({@code ehrflow}: parse, map, FHIR JSON per resource, and the FhirRecord serialised for the topic) side
 * by side with LinuxForHealth's hl7v2-fhir-converter ({@code linuxForHealth}: parse, map, Bundle JSON). Only files
 * that both convert are used, so both sides do the same messages; each invocation converts the next message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ConverterBenchmark {

    static final Path CORPUS = Path.of(System.getProperty("ehrflow.corpus", "../../shared/corpus")).resolve("hl7v2");

    @Param({"ADT^A01", "ADT^A04", "ADT^A08", "ORU^R01", "MDM^T02", "ORM^O01", "OML^O21", "RDE^O11", "VXU^V04"})
    public String type;

    private List<String> messages;
    private int next;
    private Hl7v2Mapper ehrflow;
    private HL7ToFHIRConverter lfh;
    private ConverterOptions lfhOptions;

    @Setup(Level.Trial)
    public void load() {
        ehrflow = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);
        lfh = new HL7ToFHIRConverter();
        lfhOptions = new ConverterOptions.Builder().build();
        messages = bothConvert(type, ehrflow, lfh, lfhOptions);
        if (messages.isEmpty()) {
            throw new IllegalStateException("no corpus message of type " + type + " converts in both");
        }
    }

    @Benchmark
    public void ehrflow(Blackhole bh) {
        MappingResult r = ehrflow.map("k", raw(nextMessage()), LinkLookup.NONE);
        if (r instanceof MappingResult.Mapped m) {
            for (FhirRecord rec : m.records()) {
                bh.consume(Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", rec));
            }
        }
    }

    @Benchmark
    public void linuxForHealth(Blackhole bh) {
        bh.consume(lfh.convert(nextMessage(), lfhOptions));
    }

    private String nextMessage() {
        String m = messages.get(next);
        next = (next + 1) % messages.size();
        return m;
    }

    static RawMessage raw(String er7) {
        return new RawMessage(RawMessage.ContentType.HL7V2_ER7,
                Provenance.atIngress(SourceType.HL7V2, "bench", "bench", null, Instant.EPOCH), er7);
    }

    /** Corpus messages of {@code type} that this module maps and LinuxForHealth converts without an error. */
    static List<String> bothConvert(String type, Hl7v2Mapper ehrflow, HL7ToFHIRConverter lfh, ConverterOptions o) {
        List<String> out = new ArrayList<>();
        for (Path p : files()) {
            String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Er7Parser.MessageType t = Er7Parser.messageType(Er7.normalise(text));
            if (t == null || !(t.type() + "^" + t.event()).equals(type)) {
                continue;
            }
            if (!(ehrflow.map("k", raw(text), LinkLookup.NONE) instanceof MappingResult.Mapped)) {
                continue;
            }
            try {
                lfh.convert(text, o);
                out.add(text);
            } catch (RuntimeException e) {
                // not convertible by the baseline: left out of both sides
            }
        }
        return out;
    }

    private static List<Path> files() {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
