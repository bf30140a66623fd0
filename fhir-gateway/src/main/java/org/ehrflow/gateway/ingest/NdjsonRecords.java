package org.ehrflow.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.ehrflow.schemas.Json;

/**
 * One NDJSON line of a Bulk Data export as a raw record: the line's text, keyed and provenanced like any single
 * resource the gateway receives ({@link RawFhirKeys}), with the export job as the sender.
 */
public final class NdjsonRecords {

    private final Records records;

    public NdjsonRecords(Clock clock) {
        this.records = new Records(clock);
    }

    /** The record, or empty for a line that is not a JSON object with a resourceType (counted by the caller). */
    public Optional<RawRecord> of(String line, String sourceSystem) {
        try {
            var tree = Json.MAPPER.readTree(line);
            if (tree == null || !tree.isObject() || !tree.hasNonNull("resourceType")) {
                return Optional.empty();
            }
            String type = tree.path("resourceType").asText();
            String id = tree.path("id").asText("");
            return Optional.of(records.of(line, tree, sourceSystem, id.isEmpty() ? List.of() : List.of(type + "/"
                    + id)));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
