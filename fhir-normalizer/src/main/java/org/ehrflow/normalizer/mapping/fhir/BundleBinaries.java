package org.ehrflow.normalizer.mapping.fhir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Issue 12: a document whose content is a {@code Binary} in the same message. The normaliser passes no Binary on
 * (it is not a clinical resource), so an attachment that points at one (by {@code Binary/<id>}, its fullUrl, or an
 * absolute URL ending in {@code Binary/<id>}) gets the Binary's bytes and content type inline, and the document
 * extractor never has to fetch what the sender already sent. Attachments that already carry data, or point
 * elsewhere, are left alone (the extractor fetches those).
 */
final class BundleBinaries {

    private BundleBinaries() {
    }

    /** Inlines, in place, every attachment of the message's documents that names a Binary of the message. */
    static void inline(List<FhirEntry> entries) {
        Map<String, Binary> byRef = new HashMap<>();
        for (FhirEntry e : entries) {
            if (!e.delete() && e.resource() instanceof Binary b && b.hasData()) {
                if (e.fullUrl() != null) {
                    byRef.put(e.fullUrl(), b);
                }
                String id = e.sourceId();
                if (id != null) {
                    byRef.put("Binary/" + id, b);
                }
            }
        }
        if (byRef.isEmpty()) {
            return;
        }
        for (FhirEntry e : entries) {
            Resource r = e.resource();
            if (e.delete() || r == null) {
                continue;
            }
            if (r instanceof DocumentReference d) {
                d.getContent().forEach(c -> fill(c.getAttachment(), byRef));
            } else if (r instanceof DiagnosticReport dr) {
                dr.getPresentedForm().forEach(a -> fill(a, byRef));
            }
        }
    }

    private static void fill(Attachment a, Map<String, Binary> byRef) {
        if (a == null || a.hasData() || !a.hasUrl()) {
            return;
        }
        String url = a.getUrl();
        Binary b = byRef.get(url);
        int i = url.lastIndexOf("Binary/");
        if (b == null && i >= 0) {
            b = byRef.get(url.substring(i));
        }
        if (b != null) {
            a.setData(b.getData());
            if (!a.hasContentType() && b.hasContentType()) {
                a.setContentType(b.getContentType());
            }
        }
    }
}
