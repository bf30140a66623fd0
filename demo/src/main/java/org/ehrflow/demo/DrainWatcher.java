package org.ehrflow.demo;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.LagTable;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.SinkOffsetReader;
import org.ehrflow.ops.lag.Stage;
import org.ehrflow.pipeline.Pipeline;

/**
 * Waits until every stage has consumed everything (lag 0 on every partition, sink offsets read from PostgreSQL)
 * for a quiet period, printing one progress line per second.
 */
public final class DrainWatcher {

    private final Pipeline pipeline;
    private final PrintStream out;

    public DrainWatcher(Pipeline pipeline, PrintStream out) {
        this.pipeline = pipeline;
        this.out = out;
    }

    /** Returns when drained for {@code quiet}; throws if {@code timeout} passes first or a stage dies. */
    public void awaitDrained(Duration quiet, Duration timeout) throws Exception {
        var pg = pipeline.postgres();
        SinkOffsetReader sink = new SinkOffsetReader(pg.jdbcUrl(Pipeline.RAG_DB), pg.superuser(),
                pg.superuserPassword().value());
        long deadline = System.nanoTime() + timeout.toNanos();
        long drainedSince = -1;
        try (LagMonitor monitor = new LagMonitor(pipeline.kafka(), sink, Clock.systemUTC())) {
            while (true) {
                if (!pipeline.healthy()) {
                    throw new IllegalStateException("a stage stopped; see the log above");
                }
                List<PartitionLag> lags = monitor.measure(Stage.pipelineWithDocuments());
                long total = lags.stream().mapToLong(PartitionLag::lagOffsets).sum();
                out.println("  progress: " + LagTable.summary(lags));
                long now = System.nanoTime();
                if (total == 0) {
                    drainedSince = drainedSince < 0 ? now : drainedSince;
                    if (now - drainedSince >= quiet.toNanos()) {
                        return;
                    }
                } else {
                    drainedSince = -1;
                }
                if (now > deadline) {
                    throw new IllegalStateException("pipeline did not drain within " + timeout);
                }
                Thread.sleep(1000);
            }
        }
    }
}
