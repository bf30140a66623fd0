package org.ehrflow.chunker.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.chunking.ChunkResult;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.schemas.FhirRecord;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chunker throughput on one thread: each operation chunks one record of the corpus sample ({@link BenchInputs},
 * round robin), with PHI tagging and the de-identified variant; the {@code chunks} counter is chunks per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class ChunkerBenchmark {

    private ResourceChunker chunker;
    private List<FhirRecord> records;
    private int next;

    /** Chunks produced, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long chunks;
    }

    @Setup(Level.Trial)
    public void setUp() {
        chunker = TestSupport.chunker();
        records = BenchInputs.records();
    }

    @Benchmark
    public Object chunkOneRecord(Counters counters) {
        FhirRecord rec = records.get(next++ % records.size());
        ChunkResult r = chunker.chunk(rec);
        if (r instanceof ChunkResult.Mapped m) {
            counters.chunks += m.set().chunks().size();
        }
        return r;
    }
}
