package org.ehrflow.chunker.chunking.phi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds PHI in a chunk's text with regular expressions (dates, phone numbers, e-mail addresses, SSN- and MRN-like
 * identifiers, URLs, street addresses, ages over 89, titled and credentialed names such as "Dr. Smith" or
 * "Ann Lee, MD") plus what is known about the patient ({@link KnownPhi}: names and identifiers of the patient,
 * related persons and practitioners). Tags and locates; {@link Deidentifier} replaces. Thread-safe.
 */
public final class PhiDetector {

    private static final int CI = Pattern.CASE_INSENSITIVE;
    private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
            + "|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
    private static final String CAP = "[A-Z][A-Za-z'-]+";
    private static final String INITIAL = "(?:[A-Z]\\.\\s?)";

    private static final Map<PhiKind, List<Pattern>> PATTERNS = Map.of(
            PhiKind.DATE, List.of(
                    Pattern.compile("\\b(?:19|20)\\d{2}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\\d|3[01]))?\\b"),
                    Pattern.compile("\\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\\d|3[01])/(?:\\d{4}|\\d{2})\\b"),
                    Pattern.compile("\\b(?:0?[1-9]|[12]\\d|3[01])\\.(?:0?[1-9]|1[0-2])\\.(?:19|20)\\d{2}\\b"),
                    Pattern.compile("\\b" + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2}\\b", CI),
                    Pattern.compile("\\b\\d{1,2}(?:st|nd|rd|th)?\\s+" + MONTH + ",?\\s+(?:19|20)\\d{2}\\b", CI)),
            PhiKind.PHONE, List.of(
                    Pattern.compile("(?<![\\w/.-])(?:\\+?1[-. ]?)?\\(?\\d{3}\\)?[-. ]?\\d{3}[-. ]\\d{4}(?![\\w/-])"),
                    Pattern.compile("\\b(?:tel|phone|fax|ph|cell|mobile)\\.?\\s*[:#]?\\s*\\+?\\d[\\d() .-]{6,}\\d",
                            CI)),
            PhiKind.EMAIL, List.of(Pattern.compile("\\b[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b")),
            PhiKind.URL, List.of(Pattern.compile("\\b(?:https?://|www\\.)[^\\s<>\"]+", CI)),
            PhiKind.IDENTIFIER, List.of(
                    Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b"),
                    // A labelled value with at least one digit: "MRN: 12345", "Account # A-99812".
                    Pattern.compile("\\b(?:MRN|MR#|medical record(?: number| no\\.?)?|acct|account(?: number| no\\.?)?"
                            + "|patient id|SSN|social security(?: number)?|member id|policy(?: number| no\\.?)?"
                            + "|insurance id|subscriber id|encounter(?: number| no\\.?)|visit(?: number| no\\.?)"
                            + "|license(?: number| no\\.?)?|NPI|DEA)"
                            + "(?![A-Za-z])\\s*(?:is|was)?\\s*[:#]?\\s*(?=[A-Za-z-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,}",
                                    CI),
                    Pattern.compile("(?<![\\w.,/-])\\d{7,}(?![\\w.,/-])")),
            PhiKind.ADDRESS, List.of(
                    Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard"
                            + "|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Highway|Hwy)\\b\\.?"
                            + "(?:,?\\s+(?:Apt|Unit|Suite|#)\\.?\\s*\\w+)?"),
                    Pattern.compile("\\b[A-Z][a-z]+(?:\\s[A-Z][a-z]+)?,\\s+[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?\\b"),
                    Pattern.compile("\\bP\\.?\\s?O\\.?\\s+Box\\s+\\d+", CI)),
            PhiKind.NAME, List.of(
                    Pattern.compile("\\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Nurse)\\.?\\s+" + INITIAL + "?" + CAP
                            + "(?:\\s+" + INITIAL + "?" + CAP + ")?"),
                    // Credentialed providers: "Ann Lee, MD", "J. Park RN".
                    Pattern.compile("\\b(?:" + INITIAL + "|" + CAP + "\\s+)" + INITIAL + "?" + CAP
                            + ",?\\s+(?:MD|DO|RN|NP|PA-C|PA|APRN|CNM|PharmD|DDS|LPN)\\b"),
                    // Labelled names: only the name (group "phi") is the span.
                    Pattern.compile("\\b(?i:patient name|name|attending|provider|contact|guardian)\\s{0,3}:\\s{0,3}"
                            + "(?<phi>" + CAP + "(?:\\s+" + INITIAL + "?" + CAP + ")?)"),
                    Pattern.compile("\\b(?i:signed by|seen by|referred by|dictated by|cosigned by)\\s{1,3}"
                            + "(?<phi>" + CAP + "(?:\\s+" + INITIAL + "?" + CAP + ")?)")));

    private static final Pattern AGE = Pattern.compile(
            "\\b(\\d{2,3})\\s*(?:-|\\s)?\\s*(?:years?|yrs?|y/?o)\\b(?:[- ]old)?|\\b(?:age|aged)\\s*:?\\s*(\\d{2,3})\\b", CI);
    private static final int AGE_LIMIT = 89;
    /** Shortest known name part searched: shorter ones ("Li", "Al") match inside ordinary text. */
    private static final int MIN_NAME = 3;
    private static final int MIN_IDENTIFIER = 4;

    private final NameSource names;
    private volatile Compiled last = new Compiled(KnownPhi.NONE, null, null);

    public PhiDetector(NameSource names) {
        this.names = names;
    }

    /** A detector with pattern-based name detection only. */
    public static PhiDetector patternsOnly() {
        return new PhiDetector(NameSource.NONE);
    }

    /** Kinds of PHI found in {@code text}, which belongs to the patient {@code patientKey}. */
    public Set<PhiKind> detect(String text, String patientKey) {
        Set<String> known = names.namesFor(patientKey);
        return kinds(find(text, known.isEmpty() ? KnownPhi.NONE : new KnownPhi(known, Set.of())));
    }

    /** Kinds of the spans, as an ordered set. */
    public static Set<PhiKind> kinds(List<PhiSpan> spans) {
        Set<PhiKind> found = EnumSet.noneOf(PhiKind.class);
        spans.forEach(s -> found.add(s.kind()));
        return found;
    }

    /** PHI spans in {@code text}, sorted and non-overlapping (longest wins where two overlap). */
    public List<PhiSpan> find(String text, KnownPhi known) {
        List<PhiSpan> all = new ArrayList<>();
        PATTERNS.forEach((kind, patterns) -> patterns.forEach(p -> collect(all, kind, p.matcher(text),
                p.pattern().contains("(?<phi>") ? "phi" : null)));
        Matcher age = AGE.matcher(text);
        while (age.find()) {
            String n = age.group(1) != null ? age.group(1) : age.group(2);
            int v = Integer.parseInt(n);
            if (v > AGE_LIMIT && v < 130) {
                all.add(new PhiSpan(PhiKind.AGE_OVER_89, age.start(), age.end()));
            }
        }
        Compiled c = compiled(known);
        if (c.names() != null) {
            collect(all, PhiKind.NAME, c.names().matcher(text), null);
        }
        if (c.identifiers() != null) {
            collect(all, PhiKind.IDENTIFIER, c.identifiers().matcher(text), null);
        }
        return resolve(all);
    }

    private static void collect(List<PhiSpan> out, PhiKind kind, Matcher m, String group) {
        while (m.find()) {
            int start = group == null ? m.start() : m.start(group);
            int end = group == null ? m.end() : m.end(group);
            if (end > start) {
                out.add(new PhiSpan(kind, start, end));
            }
        }
    }

    private static List<PhiSpan> resolve(List<PhiSpan> all) {
        all.sort(Comparator.comparingInt(PhiSpan::length).reversed().thenComparingInt(PhiSpan::start));
        List<PhiSpan> kept = new ArrayList<>();
        for (PhiSpan s : all) {
            if (kept.stream().noneMatch(s::overlaps)) {
                kept.add(s);
            }
        }
        kept.sort(Comparator.comparingInt(PhiSpan::start));
        return kept;
    }

    // One set's known values are compiled once: consecutive calls for one chunk set reuse the patterns.
    private Compiled compiled(KnownPhi known) {
        Compiled c = last;
        if (c.known().equals(known)) {
            return c;
        }
        c = new Compiled(known, alternation(known.names(), MIN_NAME), alternation(known.identifiers(), MIN_IDENTIFIER));
        last = c;
        return c;
    }

    private static Pattern alternation(Set<String> values, int minLength) {
        String alt = values.stream().map(String::strip).filter(v -> v.length() >= minLength)
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(v -> Pattern.quote(v).replace(" ", "\\E\\s+\\Q"))
                .collect(Collectors.joining("|"));
        return alt.isEmpty() ? null
                : Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alt + ")(?![\\p{L}\\p{N}])", CI | Pattern.UNICODE_CASE);
    }

    private record Compiled(KnownPhi known, Pattern names, Pattern identifiers) {
    }
}
