package org.ehrflow.chunker.chunking;

import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * A small RTF-to-text stripper for note attachments: paragraphs (control words par, line) become line breaks,
 * tab a tab, hex (backslash-quote-hh, code page 1252) and Unicode (backslash-u-N) escapes characters;
 * destination groups that are not body text (font and colour tables, stylesheet, info, pictures, {@code \*}
 * groups) are skipped, every other control word is dropped. Not a renderer: tables come out as cell text.
 */
public final class RtfText {

    private static final Set<String> SKIPPED_DESTINATIONS = Set.of("fonttbl", "colortbl", "stylesheet", "info",
            "pict", "header", "footer", "headerl", "headerr", "footerl", "footerr", "object", "themedata",
            "datastore", "latentstyles", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl");
    private static final Charset CP1252 = Charset.forName("windows-1252");

    private RtfText() {
    }

    /** Whether {@code text} looks like RTF ("{\rtf"). */
    public static boolean isRtf(String text) {
        return text.stripLeading().startsWith("{\\rtf");
    }

    public static String toText(String rtf) {
        StringBuilder out = new StringBuilder(rtf.length() / 2);
        Deque<Boolean> skipStack = new ArrayDeque<>();
        boolean skip = false;
        int ucSkip = 1;
        int i = 0;
        int n = rtf.length();
        while (i < n) {
            char c = rtf.charAt(i);
            if (c == '{') {
                skipStack.push(skip);
                i++;
            } else if (c == '}') {
                skip = skipStack.isEmpty() ? false : skipStack.pop();
                i++;
            } else if (c == '\\') {
                i++;
                if (i >= n) {
                    break;
                }
                char d = rtf.charAt(i);
                if (d == '\\' || d == '{' || d == '}') {
                    append(out, skip, d);
                    i++;
                } else if (d == '\'') {
                    if (i + 2 < n) {
                        String hex = rtf.substring(i + 1, i + 3);
                        try {
                            append(out, skip, new String(new byte[] {(byte) Integer.parseInt(hex, 16)}, CP1252)
                                    .charAt(0));
                        } catch (NumberFormatException e) {
                            // malformed escape: drop it
                        }
                    }
                    i += 3;
                } else if (d == '*') {
                    skip = true;
                    i++;
                } else if (Character.isLetter(d)) {
                    int start = i;
                    while (i < n && Character.isLetter(rtf.charAt(i))) {
                        i++;
                    }
                    String word = rtf.substring(start, i);
                    int numStart = i;
                    if (i < n && (rtf.charAt(i) == '-' || Character.isDigit(rtf.charAt(i)))) {
                        i++;
                        while (i < n && Character.isDigit(rtf.charAt(i))) {
                            i++;
                        }
                    }
                    String num = rtf.substring(numStart, i);
                    if (i < n && rtf.charAt(i) == ' ') {
                        i++; // the delimiter space belongs to the control word
                    }
                    if (SKIPPED_DESTINATIONS.contains(word)) {
                        skip = true;
                    } else if (word.equals("par") || word.equals("line") || word.equals("sect")
                            || word.equals("row")) {
                        append(out, skip, '\n');
                    } else if (word.equals("tab") || word.equals("cell")) {
                        append(out, skip, '\t');
                    } else if (word.equals("uc") && !num.isEmpty()) {
                        ucSkip = Integer.parseInt(num);
                    } else if (word.equals("u") && !num.isEmpty() && !num.equals("-")) {
                        int code = Integer.parseInt(num);
                        append(out, skip, (char) (code < 0 ? code + 65536 : code));
                        i = skipFallback(rtf, i, ucSkip);
                    }
                } else {
                    i++; // control symbol such as \~ or \-: \~ is a non-breaking space
                    if (d == '~') {
                        append(out, skip, ' ');
                    }
                }
            } else {
                if (c != '\r' && c != '\n') {
                    append(out, skip, c);
                }
                i++;
            }
        }
        return out.toString();
    }

    private static int skipFallback(String rtf, int i, int count) {
        for (int k = 0; k < count && i < rtf.length(); k++) {
            char c = rtf.charAt(i);
            if (c == '\\' && i + 1 < rtf.length() && rtf.charAt(i + 1) == '\'') {
                i += 4;
            } else if (c == '{' || c == '}' || c == '\\') {
                break;
            } else {
                i++;
            }
        }
        return i;
    }

    private static void append(StringBuilder out, boolean skip, char c) {
        if (!skip) {
            out.append(c);
        }
    }
}
