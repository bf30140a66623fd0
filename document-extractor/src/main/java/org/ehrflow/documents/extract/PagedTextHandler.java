package org.ehrflow.documents.extract;

import java.util.ArrayList;
import java.util.List;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Collects Tika's XHTML body as text, one entry per {@code <div class="page">} (Tika's PDF parser marks every
 * page so), with paragraph and line breaks kept; documents without page markers give one entry. Enforces the
 * page and character limits while parsing, so a huge document stops early.
 */
final class PagedTextHandler extends DefaultHandler {

    private final int maxPages;
    private final int maxChars;
    private final List<StringBuilder> pages = new ArrayList<>();
    private int chars;
    private int bodyDepth;
    private int skipDepth;
    private boolean paged;

    PagedTextHandler(int maxPages, int maxChars) {
        this.maxPages = maxPages;
        this.maxChars = maxChars;
    }

    /** The text of each page (or of the whole document when it has no page markers). */
    List<String> pages() {
        return pages.stream().map(StringBuilder::toString).toList();
    }

    boolean paged() {
        return paged;
    }

    @Override
    public void startElement(String uri, String local, String qName, Attributes atts) throws SAXException {
        String name = local.isEmpty() ? qName : local;
        if (name.equals("body")) {
            bodyDepth++;
            return;
        }
        if (bodyDepth == 0) {
            return;
        }
        if (name.equals("script") || name.equals("style")) {
            skipDepth++;
        }
        if (name.equals("div") && "page".equals(atts.getValue("class"))) {
            if (!paged) {
                pages.clear(); // text before the first page marker is the parser's, not the document's
            }
            paged = true;
            if (pages.size() >= maxPages) {
                throw new TikaRunner.LimitReached();
            }
            pages.add(new StringBuilder());
        } else if (name.equals("br")) {
            append("\n");
        } else if (heading(name)) {
            append("\n\n" + "#".repeat(name.charAt(1) - '0') + " ");
        } else if (name.equals("li")) {
            append("\n- ");
        }
    }

    @Override
    public void endElement(String uri, String local, String qName) {
        String name = local.isEmpty() ? qName : local;
        if (name.equals("body")) {
            bodyDepth--;
        } else if (name.equals("script") || name.equals("style")) {
            skipDepth--;
        } else if (bodyDepth > 0 && (name.equals("p") || name.equals("div") || heading(name)
                || name.equals("table") || name.equals("ul") || name.equals("ol"))) {
            appendQuiet("\n\n");
        } else if (bodyDepth > 0 && name.equals("tr")) {
            appendQuiet("\n");
        } else if (bodyDepth > 0 && (name.equals("td") || name.equals("th"))) {
            appendQuiet(" | ");
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        if (bodyDepth > 0 && skipDepth == 0) {
            append(new String(ch, start, length));
        }
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
        characters(ch, start, length);
    }

    private static boolean heading(String name) {
        return name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6';
    }

    private void append(String s) throws SAXException {
        chars += s.length();
        if (chars > maxChars) {
            throw new TikaRunner.LimitReached();
        }
        appendQuiet(s);
    }

    private void appendQuiet(String s) {
        if (pages.isEmpty()) {
            pages.add(new StringBuilder());
        }
        pages.get(pages.size() - 1).append(s);
    }
}
