package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.DocumentSection;

/**
 * Scans and photos (TIFF incl. multi-page, PNG, JPEG, ...): pages and pixel size are checked against the
 * limits from the image header (cheap, before any decoding: a 100,000 x 100,000 PNG is a decompression bomb),
 * then the whole file goes to OCR in one process, one section per page.
 */
final class ImageText {

    /** Beyond this many pixels per page an image is a bomb, not a scan (A4 at 600 dpi is ~35 M). */
    private static final long MAX_PIXELS = 120_000_000L;

    private final ExtractionLimits limits;
    private final OcrPages ocr;

    ImageText(ExtractionLimits limits, OcrPages ocr) {
        this.limits = limits;
        this.ocr = ocr;
    }

    Extraction extract(byte[] data, String mime, String attachment) throws DocumentFailure {
        if (ocr == null) {
            return new Extraction.NeedsOcr();
        }
        int pages = checkedPages(data, mime);
        List<DocumentSection> sections = new ArrayList<>();
        for (OcrEngine.OcrPage p : ocr.recognize(data, suffix(mime), pages)) {
            if (!p.text().isBlank()) {
                sections.add(ocr.section(p, p.page(), attachment));
            }
        }
        return new Extraction.Extracted(sections, Map.of("pages", Integer.toString(pages),
                "ocrPages", Integer.toString(pages)));
    }

    private int checkedPages(byte[] data, String mime) throws DocumentFailure {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                // No Java reader (e.g. JPEG 2000): let Tesseract's Leptonica try, as one page.
                return 1;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                int n = reader.getNumImages(true);
                if (n > limits.maxPages()) {
                    throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
                }
                for (int i = 0; i < n; i++) {
                    if ((long) reader.getWidth(i) * reader.getHeight(i) > MAX_PIXELS) {
                        throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
                    }
                }
                return Math.max(1, n);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, mime, e);
        }
    }

    private static String suffix(String mime) {
        return switch (mime) {
            case "image/tiff" -> ".tif";
            case "image/jpeg" -> ".jpg";
            case "image/png" -> ".png";
            case "image/gif" -> ".gif";
            case "image/bmp" -> ".bmp";
            case "image/webp" -> ".webp";
            default -> ".img";
        };
    }
}
