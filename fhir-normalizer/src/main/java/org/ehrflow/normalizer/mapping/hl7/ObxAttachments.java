package org.ehrflow.normalizer.mapping.hl7;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.hl7.fhir.r4.model.Attachment;

/**
 * A document carried by an OBX (V2-to-FHIR IG, OBX-5 ED and RP to Attachment), for MDM's DocumentReference and
 * ORU's DiagnosticReport.presentedForm:
 * <ul>
 *   <li>ED (encapsulated data): Base64 bytes with ED.2/ED.3 as the MIME type;</li>
 *   <li>RP (reference pointer): the document stays at the sender; RP.1 is an absolute http(s) URL, or an id relative
 *   to the application RP.2 whose universal id (RP.2.2) is an http(s) base URL. RP.3 type of data and RP.4 subtype
 *   give the MIME type where they name a document format; the document extractor fetches the URL (its allow-list
 *   decides whether it may). Pointers to images that are not documents (RP.3 {@code IM} with a subtype such as
 *   MRXS whole-slide images or PICT) are not documents to read, and stay unmapped as before.</li>
 * </ul>
 */
final class ObxAttachments {

    /** RP.4 subtypes (upper case) that name a document format, to its MIME type. */
    private static final Map<String, String> SUBTYPES = Map.ofEntries(
            Map.entry("PDF", "application/pdf"),
            Map.entry("RTF", "application/rtf"),
            Map.entry("HTML", "text/html"),
            Map.entry("XML", "application/xml"),
            Map.entry("X-HL7-CDA-LEVEL-ONE", "application/hl7-v3+xml"),
            Map.entry("CDA", "application/hl7-v3+xml"),
            Map.entry("PLAIN", "text/plain"),
            Map.entry("TXT", "text/plain"),
            Map.entry("MSWORD", "application/msword"),
            Map.entry("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("TIFF", "image/tiff"),
            Map.entry("TIF", "image/tiff"),
            Map.entry("JPEG", "image/jpeg"),
            Map.entry("JPG", "image/jpeg"),
            Map.entry("PNG", "image/png"));

    private ObxAttachments() {
    }

    /** The document of an ED or RP OBX, or null (another value type, broken data, a pointer to no document). */
    static Attachment of(Segment obx) {
        String type = String.valueOf(Hl7Fields.get(obx, 2)).toUpperCase(Locale.ROOT); // OBX.2
        return switch (type) {
            case "ED" -> embedded(obx);
            case "RP" -> pointer(obx);
            default -> null;
        };
    }

    /** A Base64 ED value (OBX-5: source, type, subtype, encoding, data) as an attachment, or null. */
    static Attachment embedded(Segment obx) {
        if (!"BASE64".equalsIgnoreCase(Hl7Fields.get(obx, 5, 0, 4, 1))) { // ED.4 encoding
            return null;
        }
        byte[] bytes = base64(Hl7Fields.get(obx, 5, 0, 5, 1)); // ED.5 data
        if (bytes == null) {
            return null;
        }
        String sub = Hl7Fields.get(obx, 5, 0, 3, 1); // ED.3 subtype
        return new Attachment().setContentType(Hl7Fields.get(obx, 5, 0, 2, 1) + "/" + (sub == null ? "octet-stream"
                : sub.toLowerCase(Locale.ROOT))).setData(bytes); // ED.2 type of data
    }

    /** An RP value (OBX-5: pointer, application id, type of data, subtype) as an attachment by URL, or null. */
    static Attachment pointer(Segment obx) {
        String pointer = Hl7Fields.get(obx, 5, 0, 1, 1); // RP.1
        if (pointer == null || pointer.isBlank()) {
            return null;
        }
        String typeOfData = upper(Hl7Fields.get(obx, 5, 0, 3, 1)); // RP.3 (table 0191: AP, IM, TEXT, ...)
        String subtype = upper(Hl7Fields.get(obx, 5, 0, 4, 1)); // RP.4
        String mime = subtype == null ? null : SUBTYPES.get(subtype);
        boolean document = mime != null || "AP".equals(typeOfData) || "TEXT".equals(typeOfData);
        if (!document) {
            return null; // an image or other pointer that is no document to read
        }
        String url = url(pointer.strip(), Hl7Fields.get(obx, 5, 0, 2, 2)); // RP.2.2 universal id
        if (url == null) {
            return null;
        }
        Attachment a = new Attachment().setUrl(url);
        if (mime != null) {
            a.setContentType(mime);
        } else if ("TEXT".equals(typeOfData)) {
            a.setContentType("text/plain");
        }
        return a;
    }

    private static String url(String pointer, String base) {
        if (isHttp(pointer)) {
            return pointer;
        }
        if (base != null && isHttp(base.strip())) {
            String b = base.strip();
            return b.endsWith("/") ? b + pointer : b + "/" + pointer;
        }
        return null; // a pointer only the sender can resolve
    }

    private static boolean isHttp(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith("https://") || l.startsWith("http://");
    }

    private static String upper(String s) {
        return s == null || s.isBlank() ? null : s.strip().toUpperCase(Locale.ROOT);
    }

    private static byte[] base64(String data) {
        try {
            return data == null ? null : Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            return null; // a broken embedded binary should not cost the document its text
        }
    }
}
