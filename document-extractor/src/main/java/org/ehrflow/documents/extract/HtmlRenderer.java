package org.ehrflow.documents.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * HTML to text that keeps the structure a chunker and a reader need: headings become markdown headings (the
 * chunker's section splitter sees them), list items "- " lines, table rows one line each with header cells
 * paired to values ("Test: Glucose; Result: 105 mg/dL"), so a row retrieved alone still says what each number
 * is. Parsed with jsoup (Tika's own HTML dependency), which repairs the tag soup real reports are made of.
 * Thread-safe.
 */
public final class HtmlRenderer {

    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "header", "footer",
            "blockquote", "pre", "address", "dl", "dd", "ul", "ol", "body", "main", "form", "fieldset", "center");
    private static final Set<String> INVISIBLE = Set.of("script", "style", "head", "title", "template", "noscript");

    private HtmlRenderer() {
    }

    public static String toText(String html) {
        Document doc = Jsoup.parse(html);
        StringBuilder out = new StringBuilder();
        render(doc.body(), out);
        return out.toString();
    }

    private static void render(Node node, StringBuilder out) {
        for (Node child : node.childNodes()) {
            if (child instanceof TextNode t) {
                out.append(t.text());
            } else if (child instanceof Element e) {
                element(e, out);
            }
        }
    }

    private static void element(Element e, StringBuilder out) {
        String tag = e.normalName();
        if (INVISIBLE.contains(tag)) {
            return;
        }
        switch (tag) {
            case "h1", "h2", "h3", "h4", "h5", "h6" -> {
                out.append("\n\n").append("#".repeat(tag.charAt(1) - '0')).append(' ')
                        .append(e.text().strip()).append("\n\n");
            }
            case "br" -> out.append('\n');
            case "li", "dt" -> {
                out.append("\n- ");
                render(e, out);
                out.append('\n');
            }
            case "table" -> out.append("\n\n").append(table(e)).append("\n\n");
            case "hr" -> out.append("\n\n");
            default -> {
                boolean block = BLOCKS.contains(tag);
                if (block) {
                    out.append("\n\n");
                }
                render(e, out);
                if (block) {
                    out.append("\n\n");
                }
            }
        }
    }

    /** One line per row; cells paired with the column's header where the table has one. */
    static String table(Element table) {
        List<String> headers = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        Element caption = table.selectFirst("caption");
        if (caption != null && !caption.text().isBlank()) {
            out.append(caption.text().strip()).append('\n');
        }
        for (Element row : table.select("tr")) {
            if (row.closest("table") != table) {
                continue; // nested tables render inside their cell's text
            }
            List<Element> cells = row.children().stream()
                    .filter(c -> c.normalName().equals("td") || c.normalName().equals("th")).toList();
            boolean headerRow = !cells.isEmpty() && cells.stream().allMatch(c -> c.normalName().equals("th"));
            if (headerRow && headers.isEmpty()) {
                cells.forEach(c -> headers.add(c.text().strip()));
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                String v = cells.get(i).text().strip();
                if (v.isEmpty()) {
                    continue;
                }
                String h = i < headers.size() ? headers.get(i) : "";
                parts.add(h.isEmpty() || h.toLowerCase(Locale.ROOT).equals(v.toLowerCase(Locale.ROOT)) ? v : h + ": "
                        + v);
            }
            if (!parts.isEmpty()) {
                out.append(String.join("; ", parts)).append('\n');
            }
        }
        return out.toString().strip();
    }
}
