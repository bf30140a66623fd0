package org.ehrflow.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** RELIABILITY.md rows: one per trial (seed, kills, invariants, recovery times) and a summary. */
final class ReliabilityReport {

    static final String HEADER = "| trial | load seed | monkey seed | PostgreSQL commit | kills (victim +at ms, down ms -> "
            + "serving again ms) | HL7 AA / AR / re-sends | FHIR acked / re-sends | EHR changes | digest (non-CDC) | "
            + "replay = live | invariants | s |\n|---|---|---|---|---|---|---|---|---|---|---|---|";

    private ReliabilityReport() {
    }

    static String row(Trial.Result r) {
        String kills = r.kills().isEmpty() ? "none (clean run)" : r.kills().stream()
                .map(k -> k.victim() + " +" + k.atMillis() + ", " + k.downMillis() + " -> " + k.recoveryMillis())
                .collect(Collectors.joining("; "));
        return String.format(Locale.ROOT,
                "| %s | %d | %d | %s | %s | %d / %d / %d | %d / %d | %d | %s | %s | %s | %d |",
                r.number() == 0 ? "clean" : Integer.toString(r.number()), r.loadSeed(), r.monkeySeed(),
                r.asyncCommit() ? "asynchronous" : "synchronous", kills, r.load().hl7Accepted().size(),
                r.load().hl7Rejected(), r.load().hl7Resends(), r.load().fhirAcknowledged().size(),
                r.load().fhirResends(), r.load().cdcChanges(), r.digest(),
                r.replayDigest().equals(r.fullDigest()) ? "yes" : "NO",
                r.passed() ? "all hold" : String.join("; ", r.violations()), r.elapsed().toSeconds());
    }

    /** Trials passed, kills per victim, recovery p50/p99 (kill to serving again). */
    static String summary(List<Trial.Result> results) {
        List<Long> recoveries = new ArrayList<>();
        results.forEach(r -> r.kills().forEach(k -> recoveries.add(k.recoveryMillis())));
        recoveries.sort(Long::compare);
        long passed = results.stream().filter(Trial.Result::passed).count();
        String byVictim = results.stream().flatMap(r -> r.kills().stream())
                .collect(Collectors.groupingBy(Monkey.Kill::victim, TreeMap::new, Collectors.counting()))
                .toString();
        return String.format(Locale.ROOT, "%nSummary: %d of %d trials passed; %d kills %s; recovery (kill to serving "
                + "again, including the restart delay) p50 %d ms, p99 %d ms%n", passed, results.size(),
                recoveries.size(), byVictim, percentile(recoveries, 50), percentile(recoveries, 99));
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
