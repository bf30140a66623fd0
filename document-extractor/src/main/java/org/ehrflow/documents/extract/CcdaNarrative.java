package org.ehrflow.documents.extract;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A C-CDA section's narrative block ({@code <text>}) as readable text: paragraphs and list items on their own
 * lines, tables one line per row with each value labelled by its column header ("Medication: Lisinopril 10 mg;
 * Status: Active"), captions as lines, footnotes inline, multimedia references dropped (they are not text).
 */
final class CcdaNarrative {

    private CcdaNarrative() {
    }

    static String render(Element text) {
        StringBuilder out = new StringBuilder();
        children(text, out);
        return out.toString();
    }

    private static void children(Node n, StringBuilder out) {
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
                out.append(c.getNodeValue().replaceAll("\\s+", " "));
            } else if (c instanceof Element e) {
                element(e, out);
            }
        }
    }

    private static void element(Element e, StringBuilder out) {
        switch (e.getLocalName()) {
            case "br" -> out.append('\n');
            case "paragraph", "caption" -> {
                out.append("\n\n");
                children(e, out);
                out.append("\n\n");
            }
            case "list" -> {
                out.append('\n');
                children(e, out);
                out.append('\n');
            }
            case "item" -> {
                out.append("\n- ");
                children(e, out);
                out.append('\n');
            }
            case "table" -> out.append("\n\n").append(table(e)).append("\n\n");
            case "renderMultiMedia" -> { }
            default -> children(e, out); // content, linkHtml, sub, sup, footnote, footnoteRef: inline text
        }
    }

    private static String table(Element table) {
        List<String> headers = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        for (Element row : rows(table)) {
            List<Element> cells = new ArrayList<>();
            for (Node c = row.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c instanceof Element e && (e.getLocalName().equals("td") || e.getLocalName().equals("th"))) {
                    cells.add(e);
                }
            }
            boolean header = !cells.isEmpty() && cells.stream().allMatch(c -> c.getLocalName().equals("th"))
                    && (headers.isEmpty() || isInThead(row));
            if (header) {
                headers.clear();
                cells.forEach(c -> headers.add(inline(c)));
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                String v = inline(cells.get(i));
                if (v.isEmpty()) {
                    continue;
                }
                String h = i < headers.size() ? headers.get(i) : "";
                parts.add(h.isEmpty() || h.equalsIgnoreCase(v) ? v : h + ": " + v);
            }
            if (!parts.isEmpty()) {
                out.append(String.join("; ", parts)).append('\n');
            }
        }
        return out.toString().strip();
    }

    private static boolean isInThead(Element row) {
        Node p = row.getParentNode();
        return p instanceof Element e && e.getLocalName().equals("thead");
    }

    private static List<Element> rows(Element table) {
        List<Element> rows = new ArrayList<>();
        collectRows(table, rows);
        return rows;
    }

    private static void collectRows(Element e, List<Element> rows) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element child) {
                switch (child.getLocalName()) {
                    case "tr" -> rows.add(child);
                    case "thead", "tbody", "tfoot" -> collectRows(child, rows);
                    case "caption" -> { }
                    default -> { }
                }
            }
        }
    }

    /** A cell's text on one line (line breaks inside a cell become "; "). */
    private static String inline(Element cell) {
        StringBuilder sb = new StringBuilder();
        children(cell, sb);
        return sb.toString().strip().replaceAll("\\s*\\n+\\s*(- )?", "; ").replaceAll("\\s+", " ");
    }
}
