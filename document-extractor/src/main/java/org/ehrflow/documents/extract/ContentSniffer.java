package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.tika.detect.Detector;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;

/**
 * Decides what a document is from its bytes first and its declared content type second: senders mislabel
 * (a gzip'd C-CDA declared text/plain, RTF declared text/plain, PDFs declared application/octet-stream), and
 * the bytes cannot lie about their magic numbers. Thread-safe.
 */
public final class ContentSniffer {

    /** What the sniffer concluded: the kind and the MIME type it is read as. */
    public record Sniffed(DocumentKind kind, String mimeType) {
    }

    private static final Set<String> UNSUPPORTED_TOP = Set.of("video", "audio", "model");
    private final Detector detector = TikaConfig.getDefaultConfig().getDetector();

    public Sniffed sniff(byte[] data, String declaredContentType) {
        String declared = MediaTypes.mime(declaredContentType);
        if (startsWith(data, 0x1f, 0x8b)) {
            return new Sniffed(DocumentKind.GZIP, "application/gzip");
        }
        if (startsWith(data, '%', 'P', 'D', 'F', '-')) {
            return new Sniffed(DocumentKind.PDF, "application/pdf");
        }
        if (startsWith(data, '{', '\\', 'r', 't', 'f')) {
            return new Sniffed(DocumentKind.TIKA, "application/rtf");
        }
        String head = head(data);
        if (head.contains("<ClinicalDocument") && head.contains("urn:hl7-org:v3")) {
            return new Sniffed(DocumentKind.CCDA, "application/hl7-cda+xml");
        }
        String detected = detect(data, declared);
        String top = detected.split("/", 2)[0];
        if (top.equals("image")) {
            return new Sniffed(DocumentKind.IMAGE, detected);
        }
        if (detected.equals("text/html") || detected.equals("application/xhtml+xml")
                || declared.equals("text/html") || declared.equals("application/xhtml+xml")) {
            return new Sniffed(DocumentKind.HTML, "text/html");
        }
        if (detected.equals("text/plain") || (declared.startsWith("text/") && detected.startsWith("text/"))
                || (declared.isEmpty() && detected.startsWith("text/"))) {
            return new Sniffed(DocumentKind.PLAIN, "text/plain");
        }
        if (UNSUPPORTED_TOP.contains(top) || detected.equals("application/octet-stream")
                || detected.equals("application/dicom") || detected.startsWith("application/x-executable")) {
            return new Sniffed(DocumentKind.UNSUPPORTED, declared.isEmpty() ? detected : declared);
        }
        return new Sniffed(DocumentKind.TIKA, detected);
    }

    // Tika's magic and name-free detection, with the declared type as its hint (it wins only where the bytes
    // are inconclusive, e.g. plain text vs. CSV).
    private String detect(byte[] data, String declared) {
        Metadata md = new Metadata();
        if (!declared.isEmpty()) {
            md.set(Metadata.CONTENT_TYPE, declared);
        }
        try (TikaInputStream in = TikaInputStream.get(new ByteArrayInputStream(data))) {
            MediaType t = detector.detect(in, md);
            return t.getBaseType().toString().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return declared.isEmpty() ? "application/octet-stream" : declared;
        }
    }

    private static String head(byte[] data) {
        int n = Math.min(data.length, 4096);
        // Latin-1 keeps every byte as one char: enough to find ASCII markup in UTF-8/UTF-16-free heads.
        return new String(data, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(byte[] data, int... magic) {
        int skip = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb
                && (data[2] & 0xff) == 0xbf && magic[0] != 0x1f ? 3 : 0;
        if (data.length < magic.length + skip) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[i + skip] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
