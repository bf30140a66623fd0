package org.ehrflow.chunker.chunking.phi;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flags the kinds of PHI present in a chunk's text with regular expressions (dates, phone numbers, e-mail
 * addresses, SSN- and MRN-like identifiers, URLs, street addresses, ages over 89, titled names such as "Dr. Smith"),
 * plus names a {@link NameSource} knows for the patient. It tags, it does not redact: readers that must not see
 * PHI filter on the flags. Thread-safe.
 */
public final class PhiDetector {

    private static final int CI = Pattern.CASE_INSENSITIVE;
    private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
            + "|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";

    private static final Map<PhiKind, List<Pattern>> PATTERNS = Map.of(
            PhiKind.DATE, List.of(
                    Pattern.compile("\\b(?:19|20)\\d{2}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\\d|3[01]))?\\b"),
                    Pattern.compile("\\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\\d|3[01])/(?:\\d{4}|\\d{2})\\b"),
                    Pattern.compile("\\b(?:0?[1-9]|[12]\\d|3[01])\\.(?:0?[1-9]|1[0-2])\\.(?:19|20)\\d{2}\\b"),
                    Pattern.compile("\\b" + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+(?:19|20)\\d{2}\\b", CI),
                    Pattern.compile("\\b\\d{1,2}(?:st|nd|rd|th)?\\s+" + MONTH + ",?\\s+(?:19|20)\\d{2}\\b", CI)),
            PhiKind.PHONE, List.of(
                    Pattern.compile("(?<![\\w/.-])(?:\\+?1[-. ]?)?\\(?\\d{3}\\)?[-. ]\\d{3}[-. ]\\d{4}(?![\\w/-])"),
                    Pattern.compile("\\b(?:tel|phone|fax|ph)\\.?\\s*[:#]?\\s*\\+?[\\d() .-]{7,}", CI)),
            PhiKind.EMAIL, List.of(Pattern.compile("\\b[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b")),
            PhiKind.URL, List.of(Pattern.compile("\\b(?:https?://|www\\.)[^\\s<>\"]+", CI)),
            PhiKind.IDENTIFIER, List.of(
                    Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b"),
                    // A labelled value with at least one digit: "MRN: 12345", "Account # A-99812".
                    Pattern.compile("\\b(?:MRN|MR#|medical record(?: number| no\\.?)?|acct|account(?: number| no\\.?)?"
                            + "|patient id|SSN|social security(?: number)?|member id|policy(?: number| no\\.?)?)"
                            + "(?![A-Za-z])\\s*[:#]?\\s*(?=[A-Za-z-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,}", CI),
                    Pattern.compile("(?<![\\w.,/-])\\d{7,}(?![\\w.,/-])")),
            PhiKind.ADDRESS, List.of(
                    Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard"
                            + "|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Highway|Hwy)\\b\\.?"),
                    Pattern.compile("\\b[A-Z][a-z]+,\\s+[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?\\b"),
                    Pattern.compile("\\bP\\.?\\s?O\\.?\\s+Box\\s+\\d+", CI)),
            PhiKind.NAME, List.of(
                    Pattern.compile("\\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\\.?\\s+[A-Z][A-Za-z'-]+"),
                    Pattern.compile("\\b(?:patient name|name)\\s*:\\s*[A-Z][a-z'-]+", CI)));

    private static final Pattern AGE = Pattern.compile(
            "\\b(\\d{2,3})\\s*(?:-|\\s)?\\s*(?:years?|yrs?|y/?o)\\b|\\b(?:age|aged)\\s*:?\\s*(\\d{2,3})\\b", CI);
    private static final int AGE_LIMIT = 89;

    private final NameSource names;

    public PhiDetector(NameSource names) {
        this.names = names;
    }

    /** A detector with pattern-based name detection only. */
    public static PhiDetector patternsOnly() {
        return new PhiDetector(NameSource.NONE);
    }

    /** Kinds of PHI found in {@code text}, which belongs to the patient {@code patientKey}. */
    public Set<PhiKind> detect(String text, String patientKey) {
        Set<PhiKind> found = EnumSet.noneOf(PhiKind.class);
        PATTERNS.forEach((kind, patterns) -> {
            if (patterns.stream().anyMatch(p -> p.matcher(text).find())) {
                found.add(kind);
            }
        });
        if (hasAgeOver89(text)) {
            found.add(PhiKind.AGE_OVER_89);
        }
        if (!found.contains(PhiKind.NAME) && containsKnownName(text, names.namesFor(patientKey))) {
            found.add(PhiKind.NAME);
        }
        return found;
    }

    private static boolean hasAgeOver89(String text) {
        Matcher m = AGE.matcher(text);
        while (m.find()) {
            String n = m.group(1) != null ? m.group(1) : m.group(2);
            if (Integer.parseInt(n) > AGE_LIMIT && Integer.parseInt(n) < 130) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsKnownName(String text, Set<String> known) {
        if (known.isEmpty()) {
            return false;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String name : known) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            // Very short name parts ("Li", "Al") would match inside ordinary words.
            if (n.length() >= 3 && Pattern.compile("\\b" + Pattern.quote(n) + "\\b").matcher(lower).find()) {
                return true;
            }
        }
        return false;
    }
}
