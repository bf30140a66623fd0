package org.ehrflow.normalizer.mapping.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import org.ehrflow.normalizer.mapping.FhirJson;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.hl7.fhir.r4.model.Resource;

/**
 * One Debezium change event of a mapped source table, with the record factory the table mappers share: versionId =
 * source.lsn, eventTime = source.ts_ms, source message id = "&lt;schema&gt;.&lt;table&gt;:&lt;lsn&gt;:&lt;row key&gt;"
 * (key
 * columns joined by "|").
 *
 * @param op     c, u, r or d
 * @param row    the row after the change (before, for a delete)
 * @param schema source.schema
 * @param table  source.table
 * @param lsn    source.lsn as text
 * @param tsMs   source.ts_ms
 * @param raw    the raw message (for its ingest time and source system)
 * @param rowKey the row's key column values, joined by "|"
 */
public record CdcEvent(String op, JsonNode row, String schema, String table, String lsn, long tsMs, RawMessage raw,
        String rowKey) {

    public boolean isDelete() {
        return op.equals("d");
    }

    /** A text column, or null if absent or JSON null. */
    public String text(String column) {
        JsonNode n = row.get(column);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A bigint column, or null. */
    public Long number(String column) {
        JsonNode n = row.get(column);
        return n == null || n.isNull() || !n.canConvertToLong() ? null : n.asLong();
    }

    /** A numeric column sent as a JSON number (double precision) or a decimal string (numeric), or null. */
    public BigDecimal decimal(String column) {
        JsonNode n = row.get(column);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        try {
            return new BigDecimal(n.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public FhirRecord upsert(String patientKey, Resource r, String encounterId) {
        return new FhirRecord(patientKey, RecordOp.UPSERT, r.fhirType(), r.getIdElement().getIdPart(), lsn,
                encounterId, FhirJson.encode(r), provenance());
    }

    public FhirRecord delete(String patientKey, String type, String id, String encounterId) {
        return new FhirRecord(patientKey, RecordOp.DELETE, type, id, lsn, encounterId, null, provenance());
    }

    private Provenance provenance() {
        String system = raw.provenance().sourceSystem();
        return Provenance.atIngress(SourceType.CDC, system, schema + "." + table + ":" + lsn + ":" + rowKey,
                Instant.ofEpochMilli(tsMs), raw.provenance().ingestTime());
    }
}
