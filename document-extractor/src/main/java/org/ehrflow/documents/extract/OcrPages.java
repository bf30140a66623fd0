package org.ehrflow.documents.extract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.DocumentSection;

/**
 * Runs OCR on image bytes through a private temporary file (Tesseract reads files; the file is deleted before
 * this returns, so no document image stays on disk) and turns the pages into cited sections.
 */
final class OcrPages {

    private final OcrEngine engine;
    private final ExtractionLimits limits;

    OcrPages(OcrEngine engine, ExtractionLimits limits) {
        this.engine = engine;
        this.limits = limits;
    }

    List<OcrEngine.OcrPage> recognize(byte[] image, String suffix, int pages) throws DocumentFailure {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("ehrflow-ocr-", suffix);
            Files.write(tmp, image);
            return engine.recognize(tmp, limits.ocrPageTimeout().multipliedBy(Math.max(1, pages)));
        } catch (IOException e) {
            throw new DocumentFailure(ReasonCodes.EXTRACTION_ERROR, null, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file the OS cleans; nothing to report
                }
            }
        }
    }

    /** A recognised page as a section cited by page, OCR flag and confidence. */
    DocumentSection section(OcrEngine.OcrPage p, int pageNumber, String attachment) {
        double conf = Math.round(p.confidence() * 10) / 10.0;
        Citation c = new Citation(pageNumber, pageNumber, null, attachment, true, conf, conf < limits.lowConfidence());
        return new DocumentSection(null, p.text(), c);
    }

    static Duration perPage(ExtractionLimits limits) {
        return limits.ocrPageTimeout();
    }
}
