package org.ehrflow.ops.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ehrflow.ops.OpsSnapshot;
import org.ehrflow.ops.lag.PartitionLag;
import org.ehrflow.ops.slot.SlotLag;

/** A plausible snapshot and history: a normaliser falling behind on one partition, two DLQ reasons. */
final class StatusFixtures {

    static final Instant NOW = Instant.parse("2026-01-02T10:00:00Z");

    private StatusFixtures() {
    }

    static OpsSnapshot snapshot() {
        List<PartitionLag> lags = List.of(
                new PartitionLag("fhir-normalizer", "ehr.raw.hl7v2.v1", 0, 1200, 1100, 100, 75.0),
                new PartitionLag("fhir-normalizer", "ehr.raw.hl7v2.v1", 1, 900, 900, 0, 0.0),
                new PartitionLag("fhir-normalizer", "ehr.raw.cdc.v1", 0, 40, 38, 2, 0.8),
                new PartitionLag("chunker-stream", "ehr.normalized.fhir-resource.v1", 0, 3000, 2990, 10, 1.2),
                new PartitionLag("embedder-sink", "ehr.chunked.chunk-set.v1", 0, 2500, 2470, 30, 4.5));
        Map<String, Map<String, Long>> dlq = new LinkedHashMap<>();
        dlq.put("ehr.dlq.fhir-normalizer.v1", Map.of("HL7_PARSE_ERROR", 3L));
        dlq.put("ehr.dlq.hl7-listener.v1", Map.of("MLLP_FRAME_TOO_LARGE", 1L));
        return new OpsSnapshot(NOW, lags, Map.of("ehr.dlq.fhir-normalizer.v1", 3L), dlq,
                new SlotLag("ehrflow_slot", true, true, 4096, 1.5, 3.2), List.of());
    }

    /** Canary measurements once a minute for an hour: HL7/FHIR/CDC around 1-3 s, with one slow CDC spike. */
    static List<org.ehrflow.ops.canary.Canary.Measurement> canary() {
        List<org.ehrflow.ops.canary.Canary.Measurement> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = NOW.minusSeconds(60L * (59 - i));
            out.add(new org.ehrflow.ops.canary.Canary.Measurement(at,
                    org.ehrflow.ops.canary.CanaryConfig.Source.HL7, 1.2 + (i % 5) * 0.1));
            out.add(new org.ehrflow.ops.canary.Canary.Measurement(at,
                    org.ehrflow.ops.canary.CanaryConfig.Source.FHIR, 0.9 + (i % 4) * 0.1));
            out.add(new org.ehrflow.ops.canary.Canary.Measurement(at,
                    org.ehrflow.ops.canary.CanaryConfig.Source.CDC, i == 40 ? 9.5 : 2.0 + (i % 3) * 0.2));
        }
        return out;
    }

    /** {@code n} points, 5 s apart, ending at {@link #NOW}: the normaliser's lag climbing, the others flat. */
    static List<History.Point> history(int n) {
        List<History.Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("fhir-normalizer", i < n / 2 ? 0.5 : 0.5 + (i - n / 2) * 5.0);
            m.put("chunker-stream", 1.0 + (i % 3) * 0.2);
            m.put("embedder-sink", 3.0 + (i % 4) * 0.5);
            out.add(new History.Point(NOW.minusSeconds(5L * (n - 1 - i)), m));
        }
        return out;
    }
}
