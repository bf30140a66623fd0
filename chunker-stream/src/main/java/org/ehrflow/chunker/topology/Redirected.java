package org.ehrflow.chunker.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Json;

/**
 * A retired patient's late record on its way to the surviving patient's task ({@link MergeRedirects}), already
 * re-keyed to the survivor: one of {@code record} (from the normalised topic) or {@code document} (from the
 * document extractor). Rides the merge-transfer internal topic behind the MERGE's own state transfer, under the
 * same key, so the survivor's task applies the transfer first. Internal to this app; holds PHI like the
 * changelogs do.
 *
 * @param survivorKey the key the record now carries (the internal topic's record key)
 * @param hops        merges followed so far (bounded by {@link MergeRedirects#MAX_HOPS})
 */
record Redirected(String survivorKey, int hops, FhirRecord record, DocumentText document) {

    Redirected {
        if ((record == null) == (document == null)) {
            throw new IllegalArgumentException("a redirect carries one record or one document");
        }
    }

    static Redirected of(FhirRecord rec, String survivor, int hops) {
        return new Redirected(survivor, hops, new FhirRecord(survivor, rec.op(), rec.resourceType(),
                rec.resourceId(), rec.versionId(), rec.encounterId(), rec.resourceJson(), rec.provenance(),
                rec.targetPatientKey()), null);
    }

    static Redirected of(DocumentText doc, String survivor, int hops) {
        return new Redirected(survivor, hops, null, new DocumentText(survivor, doc.op(), doc.resourceType(),
                doc.resourceId(), doc.versionId(), doc.encounterId(), doc.noteType(), doc.date(), doc.sections(),
                doc.metadata(), doc.skipped(), doc.provenance()));
    }

    /** Whether a value of the internal topic is a redirect (a state transfer has no {@code hops}). */
    static boolean isRedirect(JsonNode value) {
        return value.has("hops");
    }

    String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Redirected fromJson(JsonNode json) {
        try {
            return Json.MAPPER.treeToValue(json, Redirected.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
