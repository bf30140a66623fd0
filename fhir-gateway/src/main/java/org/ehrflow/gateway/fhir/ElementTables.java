package org.ehrflow.gateway.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * R4's element definitions as the structure checks use them. HAPI answers "which child is {@code valueQuantity} of
 * Observation" through two map lookups, and a resource type through a lower-casing lookup; per element of a
 * 100-entry Bundle that was most of the check. Each definition's known element names are resolved once into a
 * {@link Slot}; unknown names are never kept, so a client cannot grow the tables.
 */
final class ElementTables {

    private static final FhirContext CTX = FhirCodec.context();
    private static final Map<BaseRuntimeElementCompositeDefinition<?>, Table> TABLES = new ConcurrentHashMap<>();
    private static final Map<String, Table> RESOURCES = new ConcurrentHashMap<>();

    private ElementTables() {
    }

    /** The table of a resource type; the caller has checked it is an R4 type. */
    static Table resource(String type) {
        return RESOURCES.computeIfAbsent(type, t -> Table.of(CTX.getResourceDefinition(t)));
    }

    /** How the values of one element are checked. */
    enum Kind {
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
    static final class Slot {
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

        /** The element table of a composite slot's type. */
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
    static final class Table {
        private final BaseRuntimeElementCompositeDefinition<?> def;
        private final Map<String, Slot> slots = new ConcurrentHashMap<>();

        private Table(BaseRuntimeElementCompositeDefinition<?> def) {
            this.def = def;
        }

        static Table of(BaseRuntimeElementCompositeDefinition<?> def) {
            return TABLES.computeIfAbsent(def, Table::new);
        }

        /** The element {@code name}, or null when R4 does not define it here. */
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
}
