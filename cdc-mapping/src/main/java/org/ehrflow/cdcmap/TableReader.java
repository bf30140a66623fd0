package org.ehrflow.cdcmap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads one table's section of a mapping file. */
final class TableReader {

    private static final Set<String> KEYS = Set.of("resource", "key", "columns", "id", "patient", "learn",
            "deleteWhen", "elements");

    private TableReader() {
    }

    static TableMapping read(String table, YamlNode y, Problems p) {
        Map<String, YamlNode> e = y.entries("table " + table);
        e.keySet().stream().filter(k -> !KEYS.contains(k))
                .forEach(k -> p.add(e.get(k).line(), "table " + table + ": unknown key '" + k + "'"));
        String resource = e.containsKey("resource") ? e.get("resource").text("resource") : null;
        if (resource == null) {
            p.add(y.line(), "table " + table + ": no 'resource'");
        }
        List<String> key = e.containsKey("key") ? e.get("key").texts("key") : List.of();
        if (key.isEmpty()) {
            p.add(y.line(), "table " + table + ": no 'key' (its primary-key columns)");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        if (e.containsKey("columns")) {
            e.get("columns").entries("columns").forEach((name, c) -> {
                String spec = c.text("column " + name);
                String[] words = spec == null ? new String[0] : spec.trim().split("\\s+");
                String type = words.length > 0 ? words[0] : "?";
                if (!ColumnTypes.KNOWN.contains(type)) {
                    p.add(c.line(), "column " + table + "." + name + ": unknown type '" + type + "' (known: "
                            + ColumnTypes.KNOWN + ")");
                }
                boolean phi = words.length > 1 && words[1].equals("phi");
                columns.put(name, new Column(name, type, phi, c.line()));
            });
        } else {
            p.add(y.line(), "table " + table + ": no 'columns'");
        }
        List<Condition> deletes = new ArrayList<>();
        if (e.containsKey("deleteWhen")) {
            for (YamlNode d : e.get("deleteWhen").items("deleteWhen")) {
                Map<String, YamlNode> m = d.entries("deleteWhen entry");
                String col = m.containsKey("column") ? m.get("column").text("column") : null;
                List<String> in = m.containsKey("in") ? m.get("in").texts("in") : List.of();
                if (col == null || in.isEmpty()) {
                    p.add(d.line(), "table " + table + ": a deleteWhen entry needs 'column' and 'in'");
                }
                deletes.add(new Condition(col, in, d.line()));
            }
        }
        List<Element> elements = new ArrayList<>();
        if (e.containsKey("elements")) {
            for (YamlNode el : e.get("elements").items("elements")) {
                Element parsed = ElementReader.read(table, el, p);
                if (parsed != null) {
                    elements.add(parsed);
                }
            }
        }
        String learn = e.containsKey("learn") ? e.get("learn").text("learn") : null;
        return new TableMapping(table, y.line(), resource, key, columns, id(table, e.get("id"), p),
                patient(table, e.get("patient"), y, p), learn, deletes, elements);
    }

    private static IdSpec id(String table, YamlNode y, Problems p) {
        if (y == null) {
            return new IdSpec("template", "cdc-" + table.replace('_', '-') + "-{id}", null, List.of(), 0);
        }
        if (y.isScalar()) {
            String v = y.text("id");
            return "patient".equals(v) ? new IdSpec("patient", null, null, List.of(), y.line())
                    : new IdSpec("template", v, null, List.of(), y.line());
        }
        Map<String, YamlNode> m = y.entries("id");
        String fn = m.containsKey("function") ? m.get("function").text("function") : null;
        if (fn == null) {
            p.add(y.line(), "table " + table + ": id must be 'patient', a template, or {function, columns, else}");
        }
        return new IdSpec("function", m.containsKey("else") ? m.get("else").text("else") : null, fn,
                m.containsKey("columns") ? m.get("columns").texts("columns") : List.of(), y.line());
    }

    private static PatientSpec patient(String table, YamlNode y, YamlNode tableNode, Problems p) {
        if (y == null) {
            p.add(tableNode.line(), "table " + table + ": no 'patient'");
            return new PatientSpec(null, null, null, null, List.of(), tableNode.line());
        }
        Map<String, YamlNode> m = y.entries("patient");
        if (m.containsKey("identifier")) {
            return new PatientSpec(m.get("identifier").text("identifier"),
                    m.containsKey("system") ? m.get("system").text("system") : null,
                    m.containsKey("type") ? m.get("type").text("type") : null, null, List.of(), y.line());
        }
        if (!m.containsKey("table") || !m.containsKey("columns")) {
            p.add(y.line(), "table " + table + ": patient needs {identifier, system} or {table, columns}");
            return new PatientSpec(null, null, null, null, List.of(), y.line());
        }
        return new PatientSpec(null, null, null, m.get("table").text("table"), m.get("columns").texts("columns"),
                y.line());
    }
}
