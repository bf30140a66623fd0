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
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a FHIR R4 JSON tree against HAPI's element definitions without building HAPI's model (about a tenth of the
 * cost of a full parse on Synthea bundles): every element name is defined for its parent, single elements are not
 * arrays and repeating ones are, JSON types match the data types, and date/time, boolean and number primitives
 * have their R4 formats. Findings carry exact paths ({@code Bundle.entry[3].resource.birthDate}) and never values.
 * Unknown element names outside FHIR's name syntax are shown as {@code (unnamed)}.
 *
 * <p>Why tables: HAPI answers "which child is {@code valueQuantity} of Observation" through two map lookups, and a
 * resource type through a lower-casing lookup; per element of a 100-entry Bundle that was most of the check. Each
 * definition's known element names are resolved once into a {@link Slot} (unknown names are never kept, so a
 * client cannot grow the tables), and date/time formats are checked by {@link Temporal} instead of regexes.
 */
public final class JsonStructure {

    private static final FhirContext CTX = FhirCodec.context();
    private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");
    private static final Map<BaseRuntimeElementCompositeDefinition<?>, Table> TABLES = new ConcurrentHashMap<>();
    private static final Map<String, Table> RESOURCES = new ConcurrentHashMap<>();

    private final boolean rejectUnknown;

    /** How the values of one element are checked. */
    private enum Kind {
        BOOLEAN, INTEGER, POSITIVE_INT, UNSIGNED_INT, DECIMAL, DATE, DATE_TIME, INSTANT, TIME, TEXT, COMPOSITE,
        RESOURCE, UNCHECKED;

        static Kind primitive(String type) {
            return switch (type) {
                case "boolean" -> BOOLEAN;
                case "integer" -> INTEGER;
                case "positiveInt" -> POSITIVE_INT;
                case "unsignedInt" -> UNSIGNED_INT;
                case "decimal" -> DECIMAL;
                case "date" -> DATE;
                case "dateTime" -> DATE_TIME;
                case "instant" -> INSTANT;
                case "time" -> TIME;
                default -> TEXT;
            };
        }
    }

    /** One known element of a composite: whether it repeats, how its values are checked, its type's table. */
    private static final class Slot {
        final boolean repeats;
        final Kind kind;
        final String typeName;
        private final BaseRuntimeElementCompositeDefinition<?> composite;
        private Table table;

        private Slot(boolean repeats, Kind kind, String typeName, BaseRuntimeElementCompositeDefinition<?> composite) {
            this.repeats = repeats;
            this.kind = kind;
            this.typeName = typeName;
            this.composite = composite;
        }

        /** The element {@code name} of {@code def} (a choice name such as valueQuantity included), or null. */
        static Slot of(BaseRuntimeElementCompositeDefinition<?> def, String name) {
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            BaseRuntimeElementDefinition<?> type = child == null ? null : child.getChildByName(name);
            if (type == null) {
                return null;
            }
            Kind kind = switch (type.getChildType()) {
                case PRIMITIVE_DATATYPE, ID_DATATYPE, PRIMITIVE_XHTML, PRIMITIVE_XHTML_HL7ORG ->
                        Kind.primitive(type.getName());
                case COMPOSITE_DATATYPE, RESOURCE_BLOCK -> Kind.COMPOSITE;
                case RESOURCE, CONTAINED_RESOURCE_LIST, CONTAINED_RESOURCES -> Kind.RESOURCE;
                // declared extensions: HAPI's own structures have none in R4 core; nothing to check
                default -> Kind.UNCHECKED;
            };
            return new Slot(child.getMax() != 1, kind, type.getName(),
                    kind == Kind.COMPOSITE ? (BaseRuntimeElementCompositeDefinition<?>) type : null);
        }

        Table table() {
            Table t = table;
            if (t == null) {
                // A benign race: every thread finds the same shared table.
                t = Table.of(composite);
                table = t;
            }
            return t;
        }
    }

    /** The slots of one composite definition, filled as its element names are first seen. */
    private static final class Table {
        private final BaseRuntimeElementCompositeDefinition<?> def;
        private final Map<String, Slot> slots = new ConcurrentHashMap<>();

        private Table(BaseRuntimeElementCompositeDefinition<?> def) {
            this.def = def;
        }

        static Table of(BaseRuntimeElementCompositeDefinition<?> def) {
            return TABLES.computeIfAbsent(def, Table::new);
        }

        Slot slot(String name) {
            Slot s = slots.get(name);
            if (s == null) {
                s = Slot.of(def, name);
                if (s != null) {
                    slots.put(name, s);
                }
            }
            return s;
        }
    }

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
        boolean known = FhirCodec.isResourceType(type);
        At at = path == null ? At.root(known ? type : "Resource") : path;
        if (!node.isObject() || !known) {
            out.add(new ParseIssue(at.toString(), "not an R4 resource (missing or unknown resourceType)"));
            return;
        }
        composite(RESOURCES.computeIfAbsent(type, t -> Table.of(CTX.getResourceDefinition(t))), node, at, out);
    }

    private void composite(Table table, JsonNode node, At path, List<ParseIssue> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("resourceType") || name.equals("fhir_comments")) {
                continue;
            }
            JsonNode v = f.getValue();
            if (name.startsWith("_")) {
                // A primitive's id/extension sidecar: an object, or an array of objects and nulls.
                if (!(v.isObject() || v.isArray() || v.isNull())) {
                    out.add(new ParseIssue(path.child(shown(name)).toString(), "wrong JSON type: expected an object"));
                }
                continue;
            }
            Slot slot = table.slot(name);
            if (slot == null) {
                if (rejectUnknown) {
                    out.add(new ParseIssue(path.child(shown(name)).toString(), "unknown element"));
                }
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

    private void value(Slot slot, JsonNode v, At path, List<ParseIssue> out) {
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

    private static void primitive(Slot slot, JsonNode v, At path, List<ParseIssue> out) {
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
