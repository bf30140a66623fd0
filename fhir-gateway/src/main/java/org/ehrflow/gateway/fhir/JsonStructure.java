package org.ehrflow.gateway.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a FHIR R4 JSON tree against HAPI's element definitions without building HAPI's model (about a tenth of the
 * cost of a full parse on Synthea bundles): every element name is defined for its parent, single elements are not
 * arrays and repeating ones are, JSON types match the data types, and date/time, boolean and number primitives
 * have their R4 formats. Findings carry exact paths ({@code Bundle.entry[3].resource.birthDate}) and never values.
 * Unknown element names outside FHIR's name syntax are shown as {@code (unnamed)}.
 */
public final class JsonStructure {

    private static final FhirContext CTX = FhirCodec.context();
    private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");
    private static final String YEAR = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
    private static final String TZ = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
    private static final String CLOCK = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
    private static final Map<String, Pattern> FORMATS = Map.of(
            "date", Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"),
            "dateTime", Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T" + CLOCK + TZ
                    + ")?)?)?"),
            "instant", Pattern.compile(YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T" + CLOCK + TZ),
            "time", Pattern.compile(CLOCK));

    private final boolean rejectUnknown;

    /**
     * An element's path, rendered only when there is something to report: building the strings for every element of
     * a 100-entry Bundle cost more than the check itself.
     */
    private record At(At parent, String name, int index) {
        static At root(String name) {
            return new At(null, name, -1);
        }

        At child(String n) {
            return new At(this, n, -1);
        }

        At item(String n, int i) {
            return new At(this, n, i);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            render(b);
            return b.toString();
        }

        private void render(StringBuilder b) {
            if (parent != null) {
                parent.render(b);
                b.append('.');
            }
            b.append(name);
            if (index >= 0) {
                b.append('[').append(index).append(']');
            }
        }
    }

    public JsonStructure(boolean rejectUnknown) {
        this.rejectUnknown = rejectUnknown;
    }

    /** The findings for a resource tree (empty: structurally valid R4). */
    public List<ParseIssue> check(JsonNode resource) {
        List<ParseIssue> out = new ArrayList<>();
        resource(resource, null, out);
        return out;
    }

    private void resource(JsonNode node, At path, List<ParseIssue> out) {
        String type = node.path("resourceType").asText("");
        At at = path == null ? At.root(FhirCodec.isResourceType(type) ? type : "Resource") : path;
        if (!node.isObject() || !FhirCodec.isResourceType(type)) {
            out.add(new ParseIssue(at.toString(), "not an R4 resource (missing or unknown resourceType)"));
            return;
        }
        composite(CTX.getResourceDefinition(type), node, at, out);
    }

    private void composite(BaseRuntimeElementCompositeDefinition<?> def, JsonNode node, At path,
            List<ParseIssue> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("resourceType") || name.equals("fhir_comments")) {
                continue;
            }
            if (name.startsWith("_")) {
                // A primitive's id/extension sidecar: an object, or an array of objects and nulls.
                JsonNode v = f.getValue();
                if (!(v.isObject() || v.isArray() || v.isNull())) {
                    out.add(new ParseIssue(path.child(shown(name)).toString(), "wrong JSON type: expected an object"));
                }
                continue;
            }
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            BaseRuntimeElementDefinition<?> type = child == null ? null : child.getChildByName(name);
            if (type == null) {
                if (rejectUnknown) {
                    out.add(new ParseIssue(path.child(shown(name)).toString(), "unknown element"));
                }
                continue;
            }
            JsonNode v = f.getValue();
            if (child.getMax() != 1) {
                if (!v.isArray()) {
                    out.add(new ParseIssue(path.child(name).toString(), "wrong JSON type: expected an array"));
                    continue;
                }
                for (int i = 0; i < v.size(); i++) {
                    value(type, v.get(i), path.item(name, i), out);
                }
            } else if (v.isArray()) {
                out.add(new ParseIssue(path.child(name).toString(), "element repeats but may occur at most once"));
            } else {
                value(type, v, path.child(name), out);
            }
        }
    }

    private void value(BaseRuntimeElementDefinition<?> type, JsonNode v, At path, List<ParseIssue> out) {
        switch (type.getChildType()) {
            case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG -> primitive(type.getName(),
                    v,
                    path, out);
            case COMPOSITE_DATATYPE, RESOURCE_BLOCK -> {
                if (!v.isObject()) {
                    out.add(new ParseIssue(path.toString(), "wrong JSON type: expected an object"));
                } else {
                    composite((BaseRuntimeElementCompositeDefinition<?>) type, v, path, out);
                }
            }
            case RESOURCE, CONTAINED_RESOURCE_LIST, CONTAINED_RESOURCES -> resource(v, path, out);
            default -> {
                // declared extensions: HAPI's own structures have none in R4 core; nothing to check
            }
        }
    }

    private static void primitive(String type, JsonNode v, At path, List<ParseIssue> out) {
        boolean ok = switch (type) {
            case "boolean" -> v.isBoolean();
            case "integer", "positiveInt", "unsignedInt" -> v.isIntegralNumber() && v.canConvertToInt()
                    && (type.equals("integer") || v.asInt() >= (type.equals("positiveInt") ? 1 : 0));
            case "decimal" -> v.isNumber();
            default -> v.isTextual();
        };
        if (!ok) {
            out.add(new ParseIssue(path.toString(), v.isValueNode() ? "invalid value for the element's data type"
                    : "wrong JSON type: expected a " + type + " value"));
            return;
        }
        Pattern format = FORMATS.get(type);
        if (format != null && !format.matcher(v.asText()).matches()) {
            out.add(new ParseIssue(path.toString(), "invalid value for the element's data type"));
        }
    }

    private static String shown(String name) {
        String n = name.startsWith("_") ? name.substring(1) : name;
        return ELEMENT.matcher(n).matches() ? name : "(unnamed)";
    }
}
