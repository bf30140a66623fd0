package org.ehrflow.normalizer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ehrflow.normalizer.mapping.Fixtures;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.normalizer.mapping.cdc.CdcGoldenCorpus;
import org.ehrflow.normalizer.mapping.cdc.CdcMapper;
import org.ehrflow.normalizer.mapping.cdc.HandWrittenCdcMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.RawMessage;

/**
 * The configured and the hand-written CDC mappers interleaved in one JVM: each round maps the 420 corpus events
 * with both (order alternating per round), so load from other processes hits both alike; prints events/s
 * medians and the median of the per-round ratios. Args: rounds (default 40), passes per round (default 20).
 */
public final class CdcMapperInterleavedDriver {

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<RawMessage> events = CdcGoldenCorpus.events(60).stream().map(e -> Fixtures.cdc(e.envelope())).toList();
        RawMapper configured = new CdcMapper(PatientKeyResolver.defaults(), PatientKeyResolver.DEFAULT_MRN_SYSTEM,
                "EHR");
        RawMapper hand = new HandWrittenCdcMapper(PatientKeyResolver.defaults(), PatientKeyResolver.DEFAULT_MRN_SYSTEM,
                "EHR");
        for (int w = 0; w < 10; w++) { // warm-up: JIT both
            run(configured, events, passes);
            run(hand, events, passes);
        }
        List<Double> c = new ArrayList<>();
        List<Double> h = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double rc;
            double rh;
            if (r % 2 == 0) {
                rc = run(configured, events, passes);
                rh = run(hand, events, passes);
            } else {
                rh = run(hand, events, passes);
                rc = run(configured, events, passes);
            }
            c.add(rc);
            h.add(rh);
            ratio.add(rc / rh);
        }
        System.out.printf("configured median %.0f events/s, hand-written median %.0f events/s, ratio median %.3f "
                + "(p10 %.3f, p90 %.3f)%n", median(c), median(h), median(ratio), pct(ratio, 0.1), pct(ratio, 0.9));
    }

    private static double run(RawMapper m, List<RawMessage> events, int passes) {
        long t0 = System.nanoTime();
        int n = 0;
        for (int p = 0; p < passes; p++) {
            for (RawMessage e : events) {
                if (m.map("ehr-patient:7", e, GoldenLinks.KNOWN) != null) {
                    n++;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(List<Double> v) {
        return pct(v, 0.5);
    }

    private static double pct(List<Double> v, double q) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[(int) Math.min(a.length - 1, Math.round(q * (a.length - 1)))];
    }
}
