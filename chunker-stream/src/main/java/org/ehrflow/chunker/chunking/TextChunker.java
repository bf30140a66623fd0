package org.ehrflow.chunker.chunking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.Section;
import org.ehrflow.embedding.ModelTokenizer.TokenSpan;
import org.ehrflow.embedding.TokenCounter;

/**
 * Cuts the sections of one document into chunks that never exceed the model window: whole paragraphs where they
 * fit, else lines, else sentences, else token windows (last resort), packed greedily per section with a small
 * overlap. A chunk never spans two sections, so it never spans two documents either. Thread-safe.
 */
public final class TextChunker {

    // Boundaries from coarse to fine: paragraph, line, sentence, clause; token windows are the last resort.
    private static final Pattern[] LEVELS = {
        Pattern.compile("\n\\s*\n"), Pattern.compile("\n"), Pattern.compile("(?<=[.!?;])\\s+"),
        Pattern.compile("(?<=[,:])\\s+")};
    private static final String[] JOINERS = {"\n\n", "\n", " ", " "};

    /** Longest encounter reference, in word pieces, that the header line spells out. */
    static final int MAX_ENCOUNTER_TOKENS = 12;
    /** Below the window by this many tokens, the summed count of a chunk is trusted without a recount. */
    static final int ADDITIVITY_MARGIN = 4;

    private final TokenCounter tokenizer;
    private final ChunkingOptions options;

    /**
     * A chunker counting with {@code tokenizer}: the model's own ({@code ModelTokenizer}) or its pure-Java twin
     * ({@code WordPieceTokenizer}, same counts and spans, several times cheaper).
     */
    public TextChunker(TokenCounter tokenizer, ChunkingOptions options) {
        this.tokenizer = tokenizer;
        this.options = options;
    }

    /** The same chunker with another overlap (0 for lists of whole facts). */
    public TextChunker withOverlap(int overlapTokens) {
        return new TextChunker(tokenizer, new ChunkingOptions(options.maxTokens(), overlapTokens));
    }

    /** Chunks of {@code sections}, in order; every piece's text is header line + "\n" + body. */
    public List<Piece> chunk(ContextHeader header, List<Section> sections) {
        List<Piece> out = new ArrayList<>();
        // Opaque encounter ids (UUIDs: ~28 word pieces) would take a fifth of the window and mean nothing to
        // the embedding; the set's encounterId tag carries them. Short ones (visit numbers) stay in the text.
        boolean withEncounter = header.encounterId() != null
                && tokens(ContextHeader.encounterReference(header.encounterId())) <= MAX_ENCOUNTER_TOKENS;
        Map<String, Integer> headerCounts = new HashMap<>(); // sections often share a header line
        for (Section s : sections) {
            String headerLine = headerLine(header, s.name(), withEncounter, headerCounts);
            int budget = options.contentBudget() - headerCounts.computeIfAbsent(headerLine, this::tokens);
            int headerTokens = options.contentBudget() - budget;
            int first = out.size();
            for (TokenUnit body : pack(units(s.body(), budget), budget)) {
                // WordPiece pre-splits on whitespace, so header + "\n" + body counts as the sum of its parts;
                // that sum is used directly when it is clearly inside the window (one tokenizer call per chunk
                // less), and counted exactly near the limit. CorpusChunkingTest checks sum == exact count.
                int estimate = headerTokens + body.tokens() + 2;
                if (estimate <= options.maxTokens() - ADDITIVITY_MARGIN) {
                    out.add(new Piece(s.name(), headerLine + "\n" + body.text(), estimate));
                } else {
                    emit(out, s.name(), headerLine, body.text(), budget);
                }
            }
            if (s.citation() != null) {
                for (int i = first; i < out.size(); i++) {
                    out.set(i, out.get(i).withCitation(s.citation()));
                }
            }
        }
        return out;
    }

    /** Content tokens of {@code text}, without [CLS]/[SEP]. */
    int tokens(String text) {
        return tokenizer.contentTokens(text);
    }

    private String headerLine(ContextHeader header, String section, boolean withEncounter,
            Map<String, Integer> counts) {
        int max = options.maxHeaderTokens();
        String line = header.line(section, withEncounter);
        if (counts.computeIfAbsent(line, this::tokens) <= max) {
            return line;
        }
        line = header.line(section, false);
        return counts.computeIfAbsent(line, this::tokens) <= max ? line : windows(line, max).get(0).text();
    }

    private List<TokenUnit> units(String body, int budget) {
        List<TokenUnit> units = new ArrayList<>();
        split(body.strip(), 0, "", budget, units);
        return units;
    }

    // Coarsest boundary first: a piece that fits the budget is one unit, else it is split at the next finer level.
    private void split(String text, int level, String separator, int budget, List<TokenUnit> out) {
        int t = tokens(text);
        if (t <= budget) {
            if (!text.isBlank()) {
                out.add(new TokenUnit(text, separator, t));
            }
            return;
        }
        if (level == LEVELS.length) {
            List<TokenUnit> w = windows(text, budget);
            out.add(new TokenUnit(w.get(0).text(), separator, w.get(0).tokens()));
            out.addAll(w.subList(1, w.size()));
            return;
        }
        String[] parts = LEVELS[level].split(text);
        for (int i = 0; i < parts.length; i++) {
            split(parts[i].strip(), level + 1, i == 0 ? separator : JOINERS[level], budget, out);
        }
    }

    // Bodies as units whose token count is the sum of their parts' counts.
    private List<TokenUnit> pack(List<TokenUnit> units, int budget) {
        List<TokenUnit> bodies = new ArrayList<>();
        List<TokenUnit> current = new ArrayList<>();
        int used = 0;
        for (TokenUnit u : units) {
            if (!current.isEmpty() && used + u.tokens() > budget) {
                bodies.add(new TokenUnit(join(current), "", used));
                current = overlap(current, Math.min(options.overlapTokens(), budget - u.tokens()));
                used = current.stream().mapToInt(TokenUnit::tokens).sum();
            }
            current.add(u);
            used += u.tokens();
        }
        if (!current.isEmpty()) {
            bodies.add(new TokenUnit(join(current), "", used));
        }
        return bodies;
    }

    // Whole trailing units where they fit the overlap, else the last unit's tail from a word start.
    private List<TokenUnit> overlap(List<TokenUnit> previous, int limit) {
        List<TokenUnit> carry = new ArrayList<>();
        if (limit <= 0) {
            return carry;
        }
        int used = 0;
        for (int i = previous.size() - 1; i >= 0 && used + previous.get(i).tokens() <= limit; i--) {
            carry.add(0, previous.get(i));
            used += previous.get(i).tokens();
        }
        if (carry.isEmpty()) {
            String tail = tail(previous.get(previous.size() - 1).text(), limit);
            if (!tail.isEmpty()) {
                carry.add(new TokenUnit(tail, "", tokens(tail)));
            }
        }
        return carry;
    }

    private String tail(String text, int limit) {
        List<TokenSpan> spans = tokenizer.spans(text);
        int first = Math.max(0, spans.size() - limit);
        for (int j = first; j < spans.size(); j++) {
            if (isWordStart(text, spans, j)) {
                return safeSubstring(text, spans.get(j).start(), text.length());
            }
        }
        return "";
    }

    /** Consecutive windows of at most {@code size} tokens, ending before a word start where one is near. */
    List<TokenUnit> windows(String text, int size) {
        List<TokenSpan> spans = tokenizer.spans(text);
        List<TokenUnit> out = new ArrayList<>();
        if (spans.isEmpty()) {
            out.add(new TokenUnit(text, "", 0));
            return out;
        }
        int i = 0;
        while (i < spans.size()) {
            int j = Math.min(spans.size(), i + size);
            if (j < spans.size()) {
                int k = j;
                while (k > i + size / 2 && !isWordStart(text, spans, k)) {
                    k--;
                }
                if (k > i + size / 2) {
                    j = k;
                }
            }
            String piece = safeSubstring(text, spans.get(i).start(), spans.get(j - 1).end()).strip();
            out.add(new TokenUnit(piece, out.isEmpty() ? "" : " ", j - i));
            i = j;
        }
        return out;
    }

    private void emit(List<Piece> out, String section, String headerLine, String body, int budget) {
        String text = headerLine + "\n" + body;
        int n = tokenizer.countTokens(text);
        if (n <= options.maxTokens()) {
            out.add(new Piece(section, text, n));
            return;
        }
        // Word pieces are not strictly additive across a joined boundary: re-cut this body by exact spans.
        int smaller = Math.max(1, budget - (n - options.maxTokens()));
        for (TokenUnit w : windows(body, smaller)) {
            if (!w.text().isBlank()) {
                emit(out, section, headerLine, w.text(), smaller);
            }
        }
    }

    private static boolean isWordStart(String text, List<TokenSpan> spans, int j) {
        int start = spans.get(j).start();
        return start <= 0 || start > text.length() || Character.isWhitespace(text.charAt(start - 1));
    }

    // Span offsets come from native code; clamp so an unexpected offset can never throw.
    private static String safeSubstring(String text, int start, int end) {
        int s = Math.max(0, Math.min(start, text.length()));
        int e = Math.max(s, Math.min(end, text.length()));
        return text.substring(s, e);
    }

    private static String join(List<TokenUnit> units) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.size(); i++) {
            if (i > 0) {
                sb.append(units.get(i).separator().isEmpty() ? " " : units.get(i).separator());
            }
            sb.append(units.get(i).text());
        }
        return sb.toString();
    }
}
