package org.ehrflow.normalizer.mapping.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.Column;
import org.ehrflow.cdcmap.ColumnTypes;
import org.ehrflow.cdcmap.MappingLoader;
import org.ehrflow.cdcmap.TableMapping;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.RawMapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.RawMessage;

/**
 * Debezium change events (JsonConverter without schemas) -> FHIR records, as a CDC mapping file says (see the
 * cdc-capture README): the envelope is read here, the row goes to its table's {@link TableMapper}. Rows name
 * their patient through a link learned from the patients table's own events ("ehr-patient:&lt;id&gt;"), references
 * through links other tables teach ("ehr-encounter:&lt;id&gt;"); an event whose link is unknown waits (snapshot
 * order is not guaranteed).
 */
public final class CdcMapper implements RawMapper {

    private static final Set<String> OPS = Set.of("c", "u", "r", "d");

    private final CdcMapping mapping;
    private final Map<String, TableMapper> tables = new HashMap<>();

    /** The demo EHR's mapping (cdc-mapping's demo-ehr.yaml). */
    public CdcMapper(PatientKeyResolver resolver, String mrnSystem, String visitAuthority) {
        this(resolver, MappingLoader.DEMO, mrnSystem, visitAuthority, ZoneId.of("UTC"));
    }

    /**
     * @param location       the mapping file (path or classpath:)
     * @param mrnSystem      setting ${mrnSystem}: identifier system of the patients table's MRN
     * @param visitAuthority HL7 assigning authority whose system is setting ${visitSystem}
     * @param siteZone       the zone of the source's timestamps without time zone
     */
    public CdcMapper(PatientKeyResolver resolver, String location, String mrnSystem, String visitAuthority,
            ZoneId siteZone) {
        Map<String, String> settings = Map.of("mrnSystem", mrnSystem, "visitSystem",
                resolver.systemForAuthority(visitAuthority), "siteZone", siteZone.getId());
        this.mapping = MappingLoader.load(location, settings);
        PathCheck.require(mapping);
        CdcFunctions functions = new CdcFunctions(settings);
        ValueReader reader = new ValueReader(siteZone);
        ColumnWatch watch = new ColumnWatch();
        for (TableMapping t : mapping.all()) {
            tables.put(t.name(), new TableMapper(t, mapping, resolver, functions, reader, watch));
        }
    }

    public CdcMapping mapping() {
        return mapping;
    }

    @Override
    public MappingResult map(String rawKey, RawMessage raw, LinkLookup links) {
        JsonNode env;
        try {
            env = Json.MAPPER.readTree(raw.payload());
        } catch (IOException e) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_PARSE_ERROR, e);
        }
        if (env == null || !env.isObject()) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_INVALID_ENVELOPE);
        }
        String op = env.path("op").asText("");
        if (!OPS.contains(op)) {
            return MappingResult.Rejected.of(op.isEmpty() ? ReasonCodes.CDC_INVALID_ENVELOPE
                    : ReasonCodes.CDC_UNSUPPORTED_OP);
        }
        JsonNode source = env.path("source");
        JsonNode row = env.get(op.equals("d") ? "before" : "after");
        if (row == null || !row.isObject() || !source.isObject()) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_INVALID_ENVELOPE);
        }
        String table = source.path("table").asText("");
        TableMapper mapper = tables.get(table);
        if (mapper == null) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_UNSUPPORTED_TABLE);
        }
        String key = rowKey(mapping.table(table), row);
        if (key == null) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_INVALID_ENVELOPE);
        }
        CdcEvent event = new CdcEvent(op, row, source.path("schema").asText(mapping.schema()), table,
                position(source), source.path("ts_ms").asLong(env.path("ts_ms").asLong()), raw, key);
        return mapper.map(event, links);
    }

    /**
     * The change's place in the source's log, as cdc-capture names it: PostgreSQL's LSN, or MariaDB's binlog
     * {@code file/offset/row} (no LSN there); empty when neither is present.
     */
    static String position(JsonNode source) {
        if (source.hasNonNull("lsn")) {
            return source.path("lsn").asText("");
        }
        if (source.path("file").isTextual() && source.path("pos").isIntegralNumber()) {
            return source.path("file").asText() + "/" + source.path("pos").asLong() + "/" + source.path("row").asInt(0);
        }
        return "";
    }

    /** The key columns' values joined by "|"; null if one is missing, or not a whole number where declared so. */
    private static String rowKey(TableMapping t, JsonNode row) {
        List<String> key = t.key();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            JsonNode n = row.path(key.get(i));
            Column c = t.columns().get(key.get(i));
            boolean integral = c != null && ColumnTypes.INTEGRAL.contains(c.type());
            if (n.isMissingNode() || n.isNull() || (integral && !n.canConvertToLong())) {
                return null;
            }
            b.append(i == 0 ? "" : "|").append(integral ? Long.toString(n.asLong()) : n.asText());
        }
        return b.toString();
    }
}
