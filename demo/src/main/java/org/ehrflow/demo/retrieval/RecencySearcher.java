package org.ehrflow.demo.retrieval;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An experiment (issue 15): a recency-aware tie-break over another method. When the question asks for the most
 * recent or the first of something ("latest", "last", "most recent", "current"; "first", "earliest", "baseline"),
 * the top {@link #WINDOW} hits, which the ranking judged about equally relevant, are re-ordered by the newest (or
 * oldest) ISO date their text states; undated hits keep their place after the dated ones. One general rule, no
 * knowledge of any question; hits below the window are not touched.
 */
record RecencySearcher(Searcher base) implements Searcher {

    static final int WINDOW = 5;
    private static final Pattern LATEST = Pattern.compile("\\b(most recent|latest|last|current)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FIRST = Pattern.compile("\\b(first|earliest|baseline)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile("\\b(19|20)\\d\\d-[01]\\d-[0-3]\\d\\b");

    @Override
    public String name() {
        return base.name() + " +recency";
    }

    @Override
    public List<Hit> search(Connection c, String patientKey, String question, float[] queryVector, int k)
            throws SQLException {
        List<Hit> hits = base.search(c, patientKey, question, queryVector, k);
        boolean latest = LATEST.matcher(question).find();
        boolean first = !latest && FIRST.matcher(question).find();
        if (!latest && !first) {
            return hits;
        }
        int n = Math.min(WINDOW, hits.size());
        List<Hit> top = new ArrayList<>(hits.subList(0, n));
        Comparator<String> order = latest ? Comparator.reverseOrder() : Comparator.naturalOrder();
        Comparator<Optional<String>> byDate = Comparator.comparing((Optional<String> d) -> d.isEmpty())
                .thenComparing(d -> d.orElse(""), order);
        top.sort(Comparator.comparing(h -> date(h.text(), latest), byDate));
        List<Hit> out = new ArrayList<>(top);
        out.addAll(hits.subList(n, hits.size()));
        return out;
    }

    /** The newest (or oldest) ISO date the text states. */
    static Optional<String> date(String text, boolean newest) {
        Matcher m = DATE.matcher(text);
        String best = null;
        while (m.find()) {
            String d = m.group();
            if (best == null || (newest ? d.compareTo(best) > 0 : d.compareTo(best) < 0)) {
                best = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
