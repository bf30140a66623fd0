package org.ehrflow.schemas;

/**
 * Where in a document a chunk's text stands, so a retriever can cite "page 3" or "Medications (10160-0)" and
 * knows whether the words were read by OCR. Null on chunks that do not come from an extracted document.
 *
 * @param pageStart     first page (1-based) of a paginated document (PDF, multi-page TIFF), else null
 * @param pageEnd       last page, equal to {@code pageStart} for one page, else null
 * @param sectionCode   the section's code ("LOINC|10160-0" for a C-CDA section), else null
 * @param attachment    which attachment the text came from ("Binary/123", "content[0]", "nonXMLBody"), else null
 * @param ocr           whether the text was recognised by OCR rather than read from a text layer
 * @param ocrConfidence mean word confidence 0..100 of the OCR'd text, null when not OCR
 * @param lowConfidence OCR confidence below the configured threshold: indexed, but flagged for the reader
 */
public record Citation(
        Integer pageStart,
        Integer pageEnd,
        String sectionCode,
        String attachment,
        boolean ocr,
        Double ocrConfidence,
        boolean lowConfidence) {

    /** A citation without OCR. */
    public static Citation of(Integer pageStart, Integer pageEnd, String sectionCode, String attachment) {
        return new Citation(pageStart, pageEnd, sectionCode, attachment, false, null, false);
    }

    /** The citation of text that spans this one and {@code other} (pages widened, OCR if either was). */
    public Citation span(Citation other) {
        if (other == null || other.equals(this)) {
            return this;
        }
        Integer start = pageStart == null ? other.pageStart
                : other.pageStart == null ? pageStart : Math.min(pageStart, other.pageStart);
        Integer end = pageEnd == null ? other.pageEnd
                : other.pageEnd == null ? pageEnd : Math.max(pageEnd, other.pageEnd);
        Double conf = ocrConfidence == null ? other.ocrConfidence
                : other.ocrConfidence == null ? ocrConfidence : Math.min(ocrConfidence, other.ocrConfidence);
        return new Citation(start, end, sectionCode != null ? sectionCode : other.sectionCode,
                attachment != null ? attachment : other.attachment, ocr || other.ocr, conf,
                lowConfidence || other.lowConfidence);
    }
}
