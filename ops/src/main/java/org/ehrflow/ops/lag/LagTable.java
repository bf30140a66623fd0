package org.ehrflow.ops.lag;

import java.util.List;
import java.util.Locale;

/** Renders lag as a fixed-width text table for the {@code lag} CLI and the demo's progress lines. */
public final class LagTable {

    private LagTable() {
    }

    public static String render(List<PartitionLag> lags) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-34s %4s %10s %10s %8s %9s%n", "STAGE", "TOPIC", "PART",
                "END", "COMMITTED", "LAG", "LAG_SEC"));
        for (PartitionLag l : lags) {
            sb.append(String.format(Locale.ROOT, "%-16s %-34s %4d %10d %10d %8d %9.1f%n", l.stage(), l.topic(),
                    l.partition(), l.endOffset(), l.committedOffset(), l.lagOffsets(), l.lagSeconds()));
        }
        return sb.toString();
    }

    /** One line per stage: total lag in offsets and the worst partition's lag in seconds. */
    public static String summary(List<PartitionLag> lags) {
        StringBuilder sb = new StringBuilder();
        lags.stream().map(PartitionLag::stage).distinct().forEach(stage -> {
            long total = lags.stream().filter(l -> l.stage().equals(stage)).mapToLong(PartitionLag::lagOffsets).sum();
            double worst = lags.stream().filter(l -> l.stage().equals(stage))
                    .mapToDouble(PartitionLag::lagSeconds).max().orElse(0);
            if (sb.length() > 0) {
                sb.append("  ");
            }
            sb.append(String.format(Locale.ROOT, "%s lag=%d (%.1fs)", stage, total, worst));
        });
        return sb.toString();
    }
}
