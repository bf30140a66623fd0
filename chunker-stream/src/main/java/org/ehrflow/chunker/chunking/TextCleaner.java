package org.ehrflow.chunker.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Normalises note text before splitting: line endings unified, soft line wraps joined
 * (a line that starts indented or in lower case continues the previous one), whitespace collapsed, at most one
 * blank line between paragraphs. Headers and list items are never joined, so structure survives.
 */
public final class TextCleaner {

    private static final Pattern SPACES = Pattern.compile("[\\t\\x0B\\f\\u00A0\\u2000-\\u200A\\u202F\\u3000 ]+");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0E-\\x1F\\x7F\\u200B\\uFEFF]");
    private static final Pattern LIST_ITEM = Pattern.compile("^([-*\u2022]|\\d{1,3}[.)])\\s+.*");

    private TextCleaner() {
    }

    /**
     * Cleans plain note text (already converted from HTML where needed). HL7 v2 escapes are not touched: text from
     * HL7 was unescaped once by fhir-normalizer (the shared {@code hl7} module), and FHIR or database text has no
     * HL7 escapes, so a {@code \T\} here is the author's own text (issue 17: never unescape twice).
     */
    public static String clean(String raw) {
        String s = raw.replace("\r\n", "\n").replace('\r', '\n');
        s = CONTROL.matcher(s).replaceAll("");
        List<String> out = new ArrayList<>();
        boolean prevBlank = true;
        boolean prevHeader = false;
        for (String rawLine : s.split("\n", -1)) {
            String line = SPACES.matcher(rawLine).replaceAll(" ").strip();
            if (line.isEmpty()) {
                if (!prevBlank) {
                    out.add("");
                }
                prevBlank = true;
                continue;
            }
            boolean header = SectionHeaders.match(line).isPresent();
            if (!prevBlank && !prevHeader && !header && isContinuation(rawLine, line, out.get(out.size() - 1))) {
                out.set(out.size() - 1, out.get(out.size() - 1) + " " + line);
            } else {
                out.add(line);
            }
            prevBlank = false;
            prevHeader = header;
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return String.join("\n", out);
    }

    // Wrapped text: the continuation is indented or starts in lower case, and is not a list item of its own.
    private static boolean isContinuation(String rawLine, String line, String previous) {
        if (LIST_ITEM.matcher(line).matches() || previous.endsWith(":")) {
            return false;
        }
        boolean indented = !rawLine.isEmpty() && Character.isWhitespace(rawLine.charAt(0));
        return indented || Character.isLowerCase(line.codePointAt(0));
    }
}
