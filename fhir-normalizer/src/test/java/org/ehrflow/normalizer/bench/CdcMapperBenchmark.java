package org.ehrflow.normalizer.bench;

import java.util.List;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.normalizer.mapping.cdc.CdcGoldenCorpus;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.RawMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CDC change events mapped per second by the configuration-driven mapper (demo-ehr.yaml) on the 420 events of
 * {@link CdcGoldenCorpus} (all seven tables, links known); each invocation maps the next event (parse envelope,
 * map, encode FHIR JSON). The hand-written mappers it replaced were measured beside it in the same run before
 * they were deleted (BENCHMARKS.md: commit f78f914 has both, and CdcMapperInterleavedDriver).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class CdcMapperBenchmark {

    private List<RawMessage> events;
    private LinkLookup links;
    private RawMapper configured;
    private int nextC;

    @Setup
    public void setup() {
        events = CdcGoldenCorpus.events(60).stream().map(e -> Fixtures.cdc(e.envelope())).toList();
        links = GoldenLinks.KNOWN;
        configured = new CdcMapper(PatientKeyResolver.defaults(), PatientKeyResolver.DEFAULT_MRN_SYSTEM, "EHR");
    }

    @Benchmark
    public Object configured() {
        RawMessage m = events.get(nextC++ % events.size());
        return configured.map("ehr-patient:7", m, links);
    }
}
