package org.ehrflow.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.slot.SlotLag;

/**
 * One round of measurements: what the metrics export and the status page shows.
 *
 * @param at        when it was taken
 * @param lags      every stage's lag per input partition
 * @param dlqDepth  records retained per DLQ topic
 * @param dlqCounts DLQ records per topic and reason code
 * @param slot      the CDC slot's lag, or null when the EHR database is not configured
 * @param failures  the sources that could not be measured this round (kafka, sink-db, ehr-db, dlq)
 */
public record OpsSnapshot(Instant at, List<PartitionLag> lags, Map<String, Long> dlqDepth,
        Map<String, Map<String, Long>> dlqCounts, SlotLag slot, List<String> failures) {

    public static OpsSnapshot empty(Instant at) {
        return new OpsSnapshot(at, List.of(), Map.of(), Map.of(), null, List.of());
    }

    /** The worst partition's lag in seconds per stage, in pipeline order. */
    public Map<String, Double> worstLagSecondsByStage() {
        Map<String, Double> out = new LinkedHashMap<>();
        lags.forEach(l -> out.merge(l.stage(), l.lagSeconds(), Math::max));
        return out;
    }
}
