package org.ehrflow.documents.extract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Reads the words in an image file (one or more pages, e.g. a multi-page TIFF). */
public interface OcrEngine {

    /**
     * One recognised page.
     *
     * @param page       1-based page number within the image file
     * @param text       recognised text, lines and paragraphs kept
     * @param confidence mean word confidence 0..100 (0 when no word was found)
     */
    record OcrPage(int page, String text, double confidence) {
        @Override
        public String toString() {
            return "OcrPage[" + page + ", " + text.length() + " chars, conf=" + confidence + "]";
        }
    }

    /** The pages of {@code image}; throws OCR_TIMEOUT / OCR_FAILED as a {@link DocumentFailure}. */
    List<OcrPage> recognize(Path image, Duration timeout) throws DocumentFailure;
}
