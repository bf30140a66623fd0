package org.ehrflow.demo.retrieval;

import java.io.PrintStream;
import java.util.Map;

/** Prints the benchmark's tables as Markdown, ready for BENCHMARKS.md. */
final class BenchReport {

    private final PrintStream out;

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void header() {
        out.println("| model | method | questions | R@1 | R@5 | R@10 | MRR | nDCG@10 | dup@10 | p50 ms | p99 ms "
                + "| named R@1 / R@5 | clinician R@1 / R@5 |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    void row(String model, String method, Evaluation e) {
        RankMetrics all = e.groups.get("all");
        RankMetrics named = e.groups.getOrDefault("style:named", new RankMetrics());
        RankMetrics clin = e.groups.getOrDefault("style:clinician", new RankMetrics());
        out.printf("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %.3f / %.3f | %.3f / %.3f |%n",
                model, method, all.questions(), all.recallAt1(), all.recallAt5(), all.recallAt10(), all.mrr(),
                all.ndcgAt10(), all.duplicateShare(), all.latencyMillis(50), all.latencyMillis(99),
                named.recallAt1(), named.recallAt5(), clin.recallAt1(), clin.recallAt5());
        out.flush();
    }

    void latencyHeader() {
        out.println("| model | mode | patient's chunks | queries | p50 ms | p99 ms |");
        out.println("|---|---|---|---|---|---|");
    }

    void latencyRow(String model, String mode, int chunks, RankMetrics m) {
        out.printf("| %s | %s | %d | %d | %.1f | %.1f |%n", model, mode, chunks, m.questions(), m.latencyMillis(50),
                m.latencyMillis(99));
        out.flush();
    }

    void categories(String model, String method, Evaluation e) {
        StringBuilder sb = new StringBuilder("  by category (" + model + ", " + method + "): ");
        for (Map.Entry<String, RankMetrics> g : e.groups.entrySet()) {
            if (g.getKey().startsWith("category:")) {
                sb.append(String.format("%s %d R@1 %.2f R@5 %.2f; ", g.getKey().substring(9),
                        g.getValue().questions(), g.getValue().recallAt1(), g.getValue().recallAt5()));
            }
        }
        out.println(sb);
    }
}
