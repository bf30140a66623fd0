package org.ehrflow.demo.retrieval;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a hit answers a question: it cites one of the gold resources or an aggregate that states them (the
 * fact's encounter story, the patient summary), and its text contains every answer fragment, case and spacing
 * ignored. Both halves matter: the citation keeps a number that happens to match elsewhere from counting, the
 * text keeps a chunk of the right resource that lacks the value (a JSON fragment of its coding) from counting.
 */
final class Relevance {

    private Relevance() {
    }

    static boolean relevant(Question q, Hit h) {
        boolean cited = h.cites().stream().anyMatch(c -> q.gold().contains(c) || q.context().contains(c)
                || c.startsWith("Composition/summary-"));
        if (!cited) {
            return false;
        }
        String text = normal(h.text());
        if (q.minAnswers() != null) {
            return q.answer().stream().filter(a -> statesNumber(text, normal(a))).count() >= q.minAnswers();
        }
        return q.answer().stream().allMatch(a -> text.contains(normal(a)));
    }

    /** Whether {@code text} contains {@code value} with no digit or decimal point right before or after it. */
    static boolean statesNumber(String text, String value) {
        return Pattern.compile("(?<![0-9.])" + Pattern.quote(value) + "(?![0-9]|\\.[0-9])").matcher(text).find();
    }

    /** Lower case, runs of whitespace as one space. */
    static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }
}
