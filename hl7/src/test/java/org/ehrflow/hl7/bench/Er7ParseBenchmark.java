package org.ehrflow.hl7.bench;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ehrflow.hl7.Er7;
import org.ehrflow.hl7.Er7Parser;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Hl7ParseException;
import org.ehrflow.hl7.Segment;
import org.ehrflow.hl7.oracle.HapiOracle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse time per message, ours against HAPI (issue 17), round-robin over every corpus message both can parse:
 * {@code ehrflowSplit} (normalise + split into segments and fields: what the mappers start from),
 * {@code ehrflowReadAll} (that, then every field of every segment read and unescaped: an upper bound for a
 * mapper), {@code hapiParse} (PipeParser into the canonical v2.6 model, validation off: the oracle's parse).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class Er7ParseBenchmark {

    private final HapiOracle hapi = new HapiOracle();
    private List<String> messages;
    private int next;

    @Setup
    public void load() throws IOException {
        messages = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("corpus", "../../shared/corpus/hl7v2")))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                String m = Er7.normalise(Files.readString(f, StandardCharsets.UTF_8));
                try {
                    Er7Parser.parse(m);
                    hapi.parse(m);
                    messages.add(Files.readString(f, StandardCharsets.UTF_8));
                } catch (Hl7ParseException | HL7Exception e) {
                    // only messages both readers split
                }
            }
        }
    }

    private String nextMessage() {
        next = (next + 1) % messages.size();
        return messages.get(next);
    }

    @Benchmark
    public List<Segment> ehrflowSplit() throws Hl7ParseException {
        return Er7Parser.parse(Er7.normalise(nextMessage()));
    }

    @Benchmark
    public void ehrflowReadAll(Blackhole bh) throws Hl7ParseException {
        for (Segment s : Er7Parser.parse(Er7.normalise(nextMessage()))) {
            for (int f = 1; f <= s.numFields(); f++) {
                bh.consume(Hl7Fields.get(s, f));
            }
        }
    }

    @Benchmark
    public Message hapiParse() throws HL7Exception {
        return hapi.parse(Er7.normalise(nextMessage()));
    }
}
