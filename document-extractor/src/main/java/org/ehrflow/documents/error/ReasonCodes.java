package org.ehrflow.documents.error;

/** DLQ reason codes of the document extractor (README, "Reason codes"). */
public final class ReasonCodes {
    public static final String VALUE_MISSING = "VALUE_MISSING";
    public static final String VALUE_NOT_DESERIALIZABLE = "VALUE_NOT_DESERIALIZABLE";
    public static final String RESOURCE_PARSE_ERROR = "RESOURCE_PARSE_ERROR";
    /** Password-protected or DRM'd: the text cannot be read without a key the pipeline does not hold. */
    public static final String DOCUMENT_ENCRYPTED = "DOCUMENT_ENCRYPTED";
    /** Truncated, malformed or otherwise unparseable bytes (also bad base64/gzip, malformed C-CDA XML). */
    public static final String DOCUMENT_CORRUPT = "DOCUMENT_CORRUPT";
    /** Over a configured limit: bytes (also after decompression), pages or extracted characters. */
    public static final String DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE";
    /** Parsing took longer than the per-document time limit. */
    public static final String DOCUMENT_TIMEOUT = "DOCUMENT_TIMEOUT";
    /** Tesseract did not finish a page within the per-page limit. */
    public static final String OCR_TIMEOUT = "OCR_TIMEOUT";
    /** Tesseract failed (non-zero exit) on an image it was given. */
    public static final String OCR_FAILED = "OCR_FAILED";
    /** A type no extractor reads (video, DICOM, archives); the MIME type is in the detail header. */
    public static final String DOCUMENT_UNSUPPORTED_TYPE = "DOCUMENT_UNSUPPORTED_TYPE";
    /**
     * The content is only a reference the pipeline may not or cannot resolve (relative file name, host not
     * allowed).
     */
    public static final String DOCUMENT_REFERENCE_UNRESOLVABLE = "DOCUMENT_REFERENCE_UNRESOLVABLE";
    /** The referenced Binary does not exist (404/410) or is not a Binary. */
    public static final String DOCUMENT_NOT_FOUND = "DOCUMENT_NOT_FOUND";
    /** The bytes decoded but hold no text at all (blank page, empty file). */
    public static final String DOCUMENT_EMPTY = "DOCUMENT_EMPTY";
    /** Unexpected exception (a defect); only the class name is kept. */
    public static final String EXTRACTION_ERROR = "EXTRACTION_ERROR";

    private ReasonCodes() {
    }
}
