package org.ehrflow.chunker.chunking;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the HTML of a note attachment into plain text: block elements become line breaks, headings become
 * markdown headings (so the section splitter sees them), list items become "- " lines, entities are decoded.
 * Deliberately small: notes are simple documents, and a full DOM parser adds nothing the embedding can use.
 */
public final class HtmlText {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern INVISIBLE = Pattern.compile(
            "<!--.*?-->|<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>", FLAGS);
    private static final Pattern HEADING_OPEN = Pattern.compile("<h([1-6])\\b[^>]*>", FLAGS);
    private static final Pattern HEADING_CLOSE = Pattern.compile("</h[1-6]\\s*>", FLAGS);
    private static final Pattern BREAK = Pattern.compile("<br\\s*/?>|</?tr\\b[^>]*>", FLAGS);
    private static final Pattern BLOCK = Pattern.compile(
            "</?(p|div|table|thead|tbody|ul|ol|dl|section|article|blockquote|pre|hr|header|footer|body)\\b[^>]*>",
                    FLAGS);
    private static final Pattern ITEM = Pattern.compile("<(li|dt)\\b[^>]*>", FLAGS);
    private static final Pattern CELL = Pattern.compile("</t[dh]\\s*>", FLAGS);
    private static final Pattern TAG = Pattern.compile("<[^>]*>", FLAGS);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", " ", "ndash", "-", "mdash", "-", "deg", "°", "micro", "µ");

    private HtmlText() {
    }

    /** Plain text of {@code html}, with line structure kept for the cleaner and section splitter. */
    public static String toText(String html) {
        String s = INVISIBLE.matcher(html).replaceAll(" ");
        // Source line breaks are just whitespace in HTML; structure comes from the tags below.
        s = s.replaceAll("\\s+", " ");
        s = HEADING_OPEN.matcher(s).replaceAll(m -> "\n\n" + "#".repeat(Integer.parseInt(m.group(1))) + " ");
        s = HEADING_CLOSE.matcher(s).replaceAll("\n\n");
        s = BREAK.matcher(s).replaceAll("\n");
        s = BLOCK.matcher(s).replaceAll("\n\n");
        s = ITEM.matcher(s).replaceAll("\n- ");
        s = CELL.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        return decodeEntities(s);
    }

    static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        return m.replaceAll(r -> Matcher.quoteReplacement(entity(r.group(1), r.group())));
    }

    private static String entity(String body, String whole) {
        try {
            if (body.startsWith("#x") || body.startsWith("#X")) {
                return Character.toString(Integer.parseInt(body.substring(2), 16));
            }
            if (body.startsWith("#")) {
                return Character.toString(Integer.parseInt(body.substring(1)));
            }
        } catch (IllegalArgumentException e) {
            return " ";
        }
        return NAMED.getOrDefault(body.toLowerCase(Locale.ROOT), whole);
    }
}
