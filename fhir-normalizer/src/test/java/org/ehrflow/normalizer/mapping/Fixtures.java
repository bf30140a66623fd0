package org.ehrflow.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Json;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RawMessage;
import org.ehrflow.schemas.SourceType;

/** Shared test helpers: raw messages, mapped records, resource JSON as a tree. */
public final class Fixtures {

    public static final Instant INGEST = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    public static RawMessage hl7(String er7) {
        return new RawMessage(RawMessage.ContentType.HL7V2_ER7,
                Provenance.atIngress(SourceType.HL7V2, "LAB^HOSP", "raw-id", null, INGEST), er7);
    }

    public static RawMessage fhir(String json) {
        return new RawMessage(RawMessage.ContentType.FHIR_JSON,
                Provenance.atIngress(SourceType.FHIR, "fhir-publisher", "Bundle/b1", null, INGEST), json);
    }

    public static RawMessage cdc(String envelope) {
        return new RawMessage(RawMessage.ContentType.DEBEZIUM_JSON,
                Provenance.atIngress(SourceType.CDC, "ehr-db", "ehr.x:1:1", null, INGEST), envelope);
    }

    /** The records of a result that must be Mapped. */
    public static List<FhirRecord> mapped(MappingResult r) {
        if (r instanceof MappingResult.Mapped m) {
            return m.records();
        }
        throw new AssertionError("expected Mapped, got " + r);
    }

    public static FhirRecord one(List<FhirRecord> records, String type) {
        List<FhirRecord> of = records.stream().filter(r -> r.resourceType().equals(type)).toList();
        if (of.size() != 1) {
            throw new AssertionError("expected one " + type + ", got " + of.size());
        }
        return of.get(0);
    }

    public static JsonNode json(FhirRecord r) {
        try {
            return Json.MAPPER.readTree(r.resourceJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A lookup over a fixed map of links. */
    public static LinkLookup links(Map<String, String> m) {
        return k -> Optional.ofNullable(m.get(k));
    }

    /** HL7 segments joined with CR. */
    public static String er7(String... segments) {
        return String.join("\r", segments);
    }
}
