package org.ehrflow.documents.extract;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one document, so a zip bomb, a 2,000-page fax or a hostile PDF costs a coded DLQ record rather than
 * the stage.
 *
 * @param maxBytes         largest document, also after base64/gzip decoding
 * @param maxPages         most pages (PDF, TIFF)
 * @param maxChars         most extracted characters
 * @param parseTimeout     wall time for parsing one document (text layers, markup)
 * @param ocrPageTimeout   wall time for Tesseract on one page
 * @param ocrDpi           resolution PDF pages are rendered at for OCR
 * @param lowConfidence    OCR mean word confidence (0..100) below which a page is flagged
 * @param minTextPerPage   fewer non-blank characters than this on a PDF page means "no text layer": OCR it
 */
public record ExtractionLimits(long maxBytes, int maxPages, int maxChars, Duration parseTimeout,
        Duration ocrPageTimeout, int ocrDpi, double lowConfidence, int minTextPerPage) {

    public static final ExtractionLimits DEFAULTS = new ExtractionLimits(50L * 1024 * 1024, 500, 2_000_000,
            Duration.ofSeconds(60), Duration.ofSeconds(60), 300, 60.0, 16);

    public ExtractionLimits {
        Objects.requireNonNull(parseTimeout, "parseTimeout");
        Objects.requireNonNull(ocrPageTimeout, "ocrPageTimeout");
        if (maxBytes < 1 || maxPages < 1 || maxChars < 1 || ocrDpi < 72 || lowConfidence < 0 || lowConfidence > 100
                || minTextPerPage < 0) {
            throw new IllegalArgumentException("limits out of range");
        }
    }
}
