package org.ehrflow.chunker.chunking.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Recall and precision of PHI detection on a hand-labelled synthetic set ({@code phi/labelled-synthetic.txt}):
 * names and identifiers must be found with recall of at least 0.95, with the patient context the chunker learns
 * from Patient/RelatedPerson/Practitioner resources. Precision and the other kinds are printed for BENCHMARKS.md.
 */
class PhiRecallTest {

    private static final Pattern LABEL = Pattern.compile("\\{([A-Z_0-9]+):([^}]*)}");
    // What the synthetic Patient, RelatedPerson and Practitioner resources of this patient make known.
    private static final KnownPhi CONTEXT = new KnownPhi(
            Set.of("Marisol", "Vantreight", "Oskar", "Lucia", "Brandvold", "Henrietta", "Okonkwo"),
            Set.of("4471902", "QHP-558201", "617-555-0148", "617-555-0193"));

    record Gold(PhiKind kind, int start, int end) {
    }

    record Line(String text, List<Gold> gold) {
    }

    static List<Line> load() throws IOException {
        List<Line> out = new ArrayList<>();
        try (var in = PhiRecallTest.class.getResourceAsStream("/phi/labelled-synthetic.txt")) {
            for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (raw.isBlank() || raw.startsWith("#")) {
                    continue;
                }
                StringBuilder text = new StringBuilder();
                List<Gold> gold = new ArrayList<>();
                Matcher m = LABEL.matcher(raw);
                int at = 0;
                while (m.find()) {
                    text.append(raw, at, m.start());
                    int start = text.length();
                    text.append(m.group(2));
                    gold.add(new Gold(PhiKind.valueOf(m.group(1)), start, text.length()));
                    at = m.end();
                }
                text.append(raw.substring(at));
                out.add(new Line(text.toString(), gold));
            }
        }
        return out;
    }

    @Test
    void namesAndIdentifiersAreFoundWithRecallOfAtLeast95Percent() throws IOException {
        PhiDetector detector = PhiDetector.patternsOnly();
        List<Line> lines = load();
        Map<PhiKind, int[]> recall = new EnumMap<>(PhiKind.class); // kind -> {found, total}
        int detected = 0;
        int correct = 0;
        List<String> missed = new ArrayList<>();
        for (Line l : lines) {
            List<PhiSpan> spans = detector.find(l.text(), CONTEXT);
            for (Gold g : l.gold()) {
                boolean hit = spans.stream().anyMatch(s -> s.kind() == g.kind() && s.start() < g.end()
                        && g.start() < s.end());
                int[] c = recall.computeIfAbsent(g.kind(), k -> new int[2]);
                c[0] += hit ? 1 : 0;
                c[1]++;
                if (!hit) {
                    missed.add(g.kind() + ": " + l.text().substring(g.start(), g.end()));
                }
            }
            for (PhiSpan s : spans) {
                detected++;
                if (l.gold().stream().anyMatch(g -> g.kind() == s.kind() && s.start() < g.end()
                        && g.start() < s.end())) {
                    correct++;
                }
            }
        }
        double precision = detected == 0 ? 0 : (double) correct / detected;
        StringBuilder report = new StringBuilder("PHI eval on " + lines.size() + " sentences; precision "
                + String.format("%.3f", precision) + " (" + correct + "/" + detected + ")");
        recall.forEach((k, c) -> report.append(String.format("%n  recall %-12s %.3f (%d/%d)", k,
                (double) c[0] / c[1], c[0], c[1])));
        report.append("\n  missed: ").append(missed);
        System.out.println(report);

        assertThat(lines).hasSizeGreaterThanOrEqualTo(100);
        assertThat(ratio(recall.get(PhiKind.NAME))).as(report.toString()).isGreaterThanOrEqualTo(0.95);
        assertThat(ratio(recall.get(PhiKind.IDENTIFIER))).as(report.toString()).isGreaterThanOrEqualTo(0.95);
        assertThat(precision).as(report.toString()).isGreaterThanOrEqualTo(0.85);
    }

    private static double ratio(int[] c) {
        return (double) c[0] / c[1];
    }
}
