package org.ehrflow.gateway.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.ehrflow.gateway.fhir.ElementTables.Slot;
import org.ehrflow.gateway.fhir.ElementTables.Table;

/**
 * Checks a FHIR R4 JSON tree against HAPI's element definitions without building HAPI's model (about a tenth of the
 * cost of a full parse on Synthea bundles): every element name is defined for its parent, single elements are not
 * arrays and repeating ones are, JSON types match the data types, and date/time, boolean and number primitives
 * have their R4 formats. Findings carry exact paths ({@code Bundle.entry[3].resource.birthDate}) and never values.
 * Unknown element names outside FHIR's name syntax are shown as {@code (unnamed)}.
 *
 * <p>Element definitions come from {@link ElementTables}; date/time formats are checked by {@link Temporal}. Request
 * bodies are read and checked in one pass by {@link CheckedJsonReader}, which answers exactly what this walk answers
 * (and falls back to it for unusual shapes).
 */
public final class JsonStructure {

    private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");

    private final boolean rejectUnknown;

    public JsonStructure(boolean rejectUnknown) {
        this.rejectUnknown = rejectUnknown;
    }

    /** The findings for a resource tree (empty: structurally valid R4). */
    public List<ParseIssue> check(JsonNode resource) {
        List<ParseIssue> out = new ArrayList<>();
        resource(resource, null, out);
        return out;
    }

    /** Checks a resource found at {@code path} (null: the root). */
    void resource(JsonNode node, ElementPath path, List<ParseIssue> out) {
        String type = node.path("resourceType").asText("");
        boolean known = FhirCodec.isResourceType(type);
        ElementPath at = path == null ? ElementPath.root(known ? type : "Resource") : path;
        if (!node.isObject() || !known) {
            out.add(new ParseIssue(at.toString(), "not an R4 resource (missing or unknown resourceType)"));
            return;
        }
        composite(ElementTables.resource(type), node, at, out);
    }

    private void composite(Table table, JsonNode node, ElementPath path, List<ParseIssue> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("resourceType") || name.equals("fhir_comments")) {
                continue;
            }
            JsonNode v = f.getValue();
            if (name.startsWith("_")) {
                sidecar(name, v, path, out);
                continue;
            }
            Slot slot = table.slot(name);
            if (slot == null) {
                unknown(name, path, out);
                continue;
            }
            if (slot.repeats) {
                if (!v.isArray()) {
                    out.add(new ParseIssue(path.child(name).toString(), "wrong JSON type: expected an array"));
                    continue;
                }
                for (int i = 0; i < v.size(); i++) {
                    value(slot, v.get(i), path.item(name, i), out);
                }
            } else if (v.isArray()) {
                out.add(new ParseIssue(path.child(name).toString(), "element repeats but may occur at most once"));
            } else {
                value(slot, v, path.child(name), out);
            }
        }
    }

    private void value(Slot slot, JsonNode v, ElementPath path, List<ParseIssue> out) {
        switch (slot.kind) {
            case COMPOSITE -> {
                if (!v.isObject()) {
                    out.add(new ParseIssue(path.toString(), "wrong JSON type: expected an object"));
                } else {
                    composite(slot.table(), v, path, out);
                }
            }
            case RESOURCE -> resource(v, path, out);
            case UNCHECKED -> {
                // nothing defined to check
            }
            default -> primitive(slot, v, path, out);
        }
    }

    /** A primitive's id/extension sidecar ({@code _birthDate}): an object, or an array of objects and nulls. */
    static void sidecar(String name, JsonNode v, ElementPath path, List<ParseIssue> out) {
        if (!(v.isObject() || v.isArray() || v.isNull())) {
            out.add(new ParseIssue(path.child(shown(name)).toString(), "wrong JSON type: expected an object"));
        }
    }

    /** An element R4 does not define here: a finding only when unknown elements are refused. */
    void unknown(String name, ElementPath path, List<ParseIssue> out) {
        if (rejectUnknown) {
            out.add(new ParseIssue(path.child(shown(name)).toString(), "unknown element"));
        }
    }

    /** A primitive value: its JSON type, then its format. */
    static void primitive(Slot slot, JsonNode v, ElementPath path, List<ParseIssue> out) {
        boolean jsonType = switch (slot.kind) {
            case BOOLEAN -> v.isBoolean();
            case INTEGER -> v.isIntegralNumber() && v.canConvertToInt();
            case POSITIVE_INT -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 1;
            case UNSIGNED_INT -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0;
            case DECIMAL -> v.isNumber();
            default -> v.isTextual();
        };
        if (!jsonType) {
            out.add(new ParseIssue(path.toString(), v.isValueNode() ? "invalid value for the element's data type"
                    : "wrong JSON type: expected a " + slot.typeName + " value"));
            return;
        }
        boolean format = switch (slot.kind) {
            case DATE -> Temporal.date(v.textValue());
            case DATE_TIME -> Temporal.dateTime(v.textValue());
            case INSTANT -> Temporal.instant(v.textValue());
            case TIME -> Temporal.time(v.textValue());
            default -> true;
        };
        if (!format) {
            out.add(new ParseIssue(path.toString(), "invalid value for the element's data type"));
        }
    }

    private static String shown(String name) {
        String n = name.startsWith("_") ? name.substring(1) : name;
        return ELEMENT.matcher(n).matches() ? name : "(unnamed)";
    }
}
