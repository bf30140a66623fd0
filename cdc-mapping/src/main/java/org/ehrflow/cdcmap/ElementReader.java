package org.ehrflow.cdcmap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads one entry of a table's {@code elements} list. */
final class ElementReader {

    private static final List<String> KINDS = List.of("column", "const", "concept", "coding", "quantity", "join",
            "reference", "patient", "function");
    private static final Set<String> OPTIONS = Set.of("path", "if", "unless", "map", "codeTable", "default", "as",
            "separator", "columns");

    private ElementReader() {
    }

    static Element read(String table, YamlNode y, Problems p) {
        Map<String, YamlNode> m = y.entries("element");
        String path = m.containsKey("path") ? m.get("path").text("path") : null;
        List<String> kinds = m.keySet().stream().filter(KINDS::contains).toList();
        m.keySet().stream().filter(k -> !KINDS.contains(k) && !OPTIONS.contains(k))
                .forEach(k -> p.add(m.get(k).line(), "table " + table + ": unknown element key '" + k + "'"));
        if (path == null || kinds.size() != 1) {
            p.add(y.line(), "table " + table + ": an element needs 'path' and exactly one of " + KINDS);
            return null;
        }
        String kindKey = kinds.get(0);
        YamlNode v = m.get(kindKey);
        Map<String, Source> parts = new LinkedHashMap<>();
        String kind = kindKey;
        String refTable = null;
        String function = null;
        List<String> columns = m.containsKey("columns") ? m.get("columns").texts("columns") : List.of();
        switch (kindKey) {
            case "column" -> {
                kind = "value";
                parts.put("value", Source.column(v.text("column")));
            }
            case "const" -> {
                kind = "value";
                parts.put("value", Source.constant(v.text("const")));
            }
            case "concept", "coding", "quantity" -> v.entries(kindKey).forEach((k, s) -> parts.put(k,
                    k.equals("system") ? Source.constant(s.text("system")) : source(s)));
            case "join" -> columns = v.texts("join");
            case "reference" -> {
                Map<String, YamlNode> r = v.entries("reference");
                refTable = r.containsKey("table") ? r.get("table").text("table") : null;
                columns = r.containsKey("columns") ? r.get("columns").texts("columns")
                        : r.containsKey("column") ? r.get("column").texts("column") : List.of();
            }
            case "function" -> function = v.text("function");
            default -> {
                // patient: true, the row's patient
            }
        }
        Map<String, String> map = null;
        if (m.containsKey("map")) {
            map = new LinkedHashMap<>();
            for (Map.Entry<String, YamlNode> e : m.get("map").entries("map").entrySet()) {
                map.put(e.getKey(), e.getValue().text("map value"));
            }
        }
        return new Element(path, y.line(), kind, parts, columns, refTable, function,
                opt(m, "separator", " "), m.containsKey("if") ? m.get("if").texts("if") : List.of(),
                m.containsKey("unless") ? m.get("unless").texts("unless") : List.of(), map,
                opt(m, "codeTable", null), opt(m, "default", null), opt(m, "as", null));
    }

    private static Source source(YamlNode s) {
        if (s.isMap()) {
            YamlNode c = s.entries("value").get("const");
            return Source.constant(c == null ? null : c.text("const"));
        }
        return Source.column(s.text("column"));
    }

    private static String opt(Map<String, YamlNode> m, String key, String fallback) {
        return m.containsKey(key) ? m.get(key).text(key) : fallback;
    }
}
