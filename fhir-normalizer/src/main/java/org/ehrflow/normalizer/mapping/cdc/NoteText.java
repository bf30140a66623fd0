package org.ehrflow.normalizer.mapping.cdc;

import java.util.regex.Pattern;

/**
 * Plain text from the rich-text note bodies EHRs store (RTF, HTML), so the chunker and the embedder see words,
 * not markup. Deliberately small: paragraph breaks kept, control words and tags dropped, common entities decoded.
 */
final class NoteText {

    private static final Pattern RTF_GROUP_DEST = Pattern.compile("\\{\\\\\\*[^{}]*}|\\{\\\\(fonttbl|colortbl|stylesheet|info)[^{}]*(\\{[^{}]*}[^{}]*)*}");
    private static final Pattern RTF_PAR = Pattern.compile("\\\\(par|line)\\b ?");
    private static final Pattern RTF_HEX = Pattern.compile("\\\\'([0-9a-fA-F]{2})");
    private static final Pattern RTF_UNICODE = Pattern.compile("\\\\u(-?\\d+) ?\\??");
    private static final Pattern RTF_WORD = Pattern.compile("\\\\[a-zA-Z]+-?\\d* ?");
    private static final Pattern HTML_BREAK = Pattern.compile("(?i)<br\\s*/?>|</p>|</div>|</li>|</h[1-6]>");
    private static final Pattern HTML_DROP = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>");
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]*>");

    private NoteText() {
    }

    /** RTF when it starts with the RTF header, HTML when it has tags, else the text as it is. */
    static String detect(String body) {
        String head = body.stripLeading();
        if (head.startsWith("{\\rtf")) {
            return fromRtf(body);
        }
        return HTML_TAG.matcher(body).find() ? fromHtml(body) : body;
    }

    static String fromRtf(String rtf) {
        String s = RTF_GROUP_DEST.matcher(rtf).replaceAll("");
        s = RTF_PAR.matcher(s).replaceAll("\n");
        s = RTF_HEX.matcher(s).replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16)));
        s = RTF_UNICODE.matcher(s).replaceAll(m -> String.valueOf((char) (Integer.parseInt(m.group(1)) & 0xFFFF)));
        s = RTF_WORD.matcher(s).replaceAll("");
        s = s.replace("\\{", "\u0000").replace("\\}", "\u0001").replace("\\\\", "\u0002")
                .replace("{", "").replace("}", "")
                .replace('\u0000', '{').replace('\u0001', '}').replace("\u0002", "\\");
        return tidy(s);
    }

    static String fromHtml(String html) {
        String s = HTML_DROP.matcher(html).replaceAll("");
        s = HTML_BREAK.matcher(s).replaceAll("\n");
        s = HTML_TAG.matcher(s).replaceAll("");
        s = s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
        return tidy(s);
    }

    private static String tidy(String s) {
        return s.replaceAll("[ \\t\\r]+", " ").replaceAll(" ?\n ?", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }
}
