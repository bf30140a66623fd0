package org.ehrflow.ops;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ehrflow.ops.dlq.DlqCounter;
import org.ehrflow.ops.lag.LagMonitor;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.lag.Stage;
import org.ehrflow.ops.metrics.OpsMetrics;
import org.ehrflow.ops.slot.SlotLag;
import org.ehrflow.ops.slot.SlotLagReader;
import org.ehrflow.ops.status.History;
import org.ehrflow.ops.dlq.DlqScanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One measuring round: lag per stage and partition, DLQ depth and counts by reason, the CDC slot's lag; a source
 * that fails is skipped for the round (counted, logged by exception class) and the others still export.
 */
public final class OpsCollector {

    private static final Logger LOG = LoggerFactory.getLogger(OpsCollector.class);

    private final LagMonitor lag;
    private final DlqCounter dlq;
    private final SlotLagReader slot;
    private final OpsMetrics metrics;
    private final History history;
    private final Clock clock;
    private volatile OpsSnapshot latest;

    /** @param slot the slot reader, or null when the EHR database is not configured */
    public OpsCollector(LagMonitor lag, DlqCounter dlq, SlotLagReader slot, OpsMetrics metrics, History history,
            Clock clock) {
        this.lag = lag;
        this.dlq = dlq;
        this.slot = slot;
        this.metrics = metrics;
        this.history = history;
        this.clock = clock;
        this.latest = OpsSnapshot.empty(clock.instant());
    }

    /** Measures everything once, exports it and returns the snapshot. */
    public synchronized OpsSnapshot measure() {
        List<String> failures = new ArrayList<>();
        List<PartitionLag> lags = List.of();
        Map<String, Long> depth = Map.of();
        try {
            lags = lag.measure(Stage.pipeline());
            depth = lag.dlqDepth(DlqScanner.pipelineDlqTopics());
        } catch (Exception e) {
            fail(failures, "kafka", e);
        }
        Map<String, Map<String, Long>> counts = Map.of();
        try {
            counts = dlq.update();
        } catch (RuntimeException e) {
            fail(failures, "dlq", e);
        }
        SlotLag slotLag = null;
        if (slot != null) {
            try {
                slotLag = slot.read();
            } catch (Exception e) {
                fail(failures, "ehr-db", e);
            }
        }
        OpsSnapshot s = new OpsSnapshot(clock.instant(), lags, depth, counts, slotLag, List.copyOf(failures));
        metrics.update(s);
        if (!lags.isEmpty()) {
            history.add(new History.Point(s.at(), s.worstLagSecondsByStage()));
        }
        latest = s;
        return s;
    }

    public OpsSnapshot latest() {
        return latest;
    }

    public History history() {
        return history;
    }

    private void fail(List<String> failures, String source, Exception e) {
        failures.add(source);
        metrics.failed(source);
        // Class name only: driver and client messages can echo connection strings.
        LOG.warn("ops: measuring {} failed: {}", source, e.getClass().getSimpleName());
    }
}
