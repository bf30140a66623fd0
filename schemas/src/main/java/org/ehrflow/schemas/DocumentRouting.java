package org.ehrflow.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The contract between the chunker and the document extractor: which normalised records the extractor owns
 * (their text reaches the chunker as {@link DocumentText} on {@link Topics#DOCUMENT_TEXT}), so that, with the
 * extractor deployed, the chunker leaves exactly these alone and no document is chunked twice or by both.
 * Every op of a DocumentReference goes through the extractor (an update must not overtake an earlier version);
 * a DiagnosticReport only when it carries a presentedForm (without one it is a structured fact of its encounter).
 */
public final class DocumentRouting {

    private DocumentRouting() {
    }

    /** Whether the document extractor owns {@code rec}. */
    public static boolean ownedByExtractor(FhirRecord rec) {
        if ("DocumentReference".equals(rec.resourceType())) {
            return rec.op() != RecordOp.MERGE;
        }
        if (!"DiagnosticReport".equals(rec.resourceType()) || rec.op() != RecordOp.UPSERT) {
            return false;
        }
        try {
            JsonNode forms = Json.MAPPER.readTree(rec.resourceJson()).path("presentedForm");
            return forms.isArray() && !forms.isEmpty();
        } catch (IOException | RuntimeException e) {
            return false; // unparseable: the chunker dead-letters it as it always did
        }
    }
}
