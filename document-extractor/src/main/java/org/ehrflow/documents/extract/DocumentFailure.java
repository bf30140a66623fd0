package org.ehrflow.documents.extract;

/**
 * A document that cannot become text, with its reason code and (for unsupported types) its MIME type. The
 * message is the code and MIME type only: never document text, never a parser's message (parsers quote input).
 */
public final class DocumentFailure extends Exception {

    private final String reasonCode;
    private final String mimeType;
    private final String causeClass;

    public DocumentFailure(String reasonCode, String mimeType, Throwable cause) {
        super(reasonCode + (mimeType == null ? "" : " (" + mimeType + ")"), null, false, false);
        this.reasonCode = reasonCode;
        this.mimeType = mimeType;
        // Only the class is kept, never the cause itself: its message may quote the document.
        this.causeClass = cause == null ? null : cause.getClass().getSimpleName();
    }

    public DocumentFailure(String reasonCode) {
        this(reasonCode, null, null);
    }

    public String reasonCode() {
        return reasonCode;
    }

    /** The detected or declared MIME type where it explains the failure, else null. */
    public String mimeType() {
        return mimeType;
    }

    /** The class name of what failed underneath, without its message. */
    public String causeClass() {
        return causeClass;
    }
}
