package org.ehrflow.ops.dlq;

import java.util.List;
import java.util.Set;

/**
 * Which DLQ records a command applies to: optionally one reason code and/or explicit positions
 * ("topic-partition@offset" or "partition@offset" within the chosen topics).
 *
 * @param reason    the reason code to keep, or null for any
 * @param positions the positions to keep, or empty for any
 */
public record DlqSelection(String reason, Set<String> positions) {

    public static DlqSelection all() {
        return new DlqSelection(null, Set.of());
    }

    public boolean matches(DlqEntry e) {
        if (reason != null && !reason.equals(e.reason())) {
            return false;
        }
        return positions.isEmpty() || positions.contains(e.position())
                || positions.contains(e.partition() + "@" + e.offset());
    }

    public List<DlqEntry> filter(List<DlqEntry> entries) {
        return entries.stream().filter(this::matches).toList();
    }
}
