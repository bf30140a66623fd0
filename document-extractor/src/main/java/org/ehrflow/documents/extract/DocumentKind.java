package org.ehrflow.documents.extract;

/** How a document is read: which extractor gets it. */
public enum DocumentKind {
    /** Plain text in some charset. */
    PLAIN,
    /** HTML or XHTML. */
    HTML,
    /** C-CDA / CDA R2 XML (root {@code ClinicalDocument} in {@code urn:hl7-org:v3}). */
    CCDA,
    /** PDF: text layer per page, OCR for pages without one. */
    PDF,
    /** Raster image (TIFF, PNG, JPEG, ...): OCR. */
    IMAGE,
    /** Gzip-compressed content (seen in the wild under text/plain): decompressed, then sniffed again. */
    GZIP,
    /** Other formats Tika reads (DOCX, DOC, RTF, ODT, XML, ...). */
    TIKA,
    /** Nothing here reads it. */
    UNSUPPORTED
}
