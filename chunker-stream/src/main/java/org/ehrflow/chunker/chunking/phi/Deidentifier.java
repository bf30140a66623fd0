package org.ehrflow.chunker.chunking.phi;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces PHI spans with placeholders such as {@code [NAME-1]} or {@code [DATE-2]}. One instance serves one chunk
 * set, so the same surface text gets the same placeholder in every chunk of the set (stable across the set's
 * chunks and across re-emissions of the same text). Not thread-safe; cheap to create.
 */
public final class Deidentifier {

    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<PhiKind, Integer> counters = new HashMap<>();

    /** {@code text} with every span (sorted, non-overlapping, as {@link PhiDetector#find} returns) replaced. */
    public String apply(String text, List<PhiSpan> spans) {
        StringBuilder sb = new StringBuilder(text.length());
        int at = 0;
        for (PhiSpan s : spans) {
            sb.append(text, at, s.start()).append(placeholder(s.kind(), text.substring(s.start(), s.end())));
            at = s.end();
        }
        return sb.append(text, at, text.length()).toString();
    }

    private String placeholder(PhiKind kind, String surface) {
        String key = kind + "\u001f" + surface.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return placeholders.computeIfAbsent(key, k -> "[" + kind.name() + "-" + counters.merge(kind, 1, Integer::sum)
                + "]");
    }
}
