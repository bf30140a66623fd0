package org.ehrflow.api.http;

/**
 * A request the API answers with a problem document. {@code reason} is a stable code (audit, metrics, the
 * problem's {@code type}); {@code detail} is written for the caller and must never carry PHI (no query text,
 * identifiers or patient keys).
 */
public final class ApiException extends Exception {

    private final int status;
    private final String reason;
    private final String detail;

    public ApiException(int status, String reason, String detail) {
        super(reason, null, false, false);
        this.status = status;
        this.reason = reason;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    public static ApiException badRequest(String reason, String detail) {
        return new ApiException(400, reason, detail);
    }

    public static ApiException forbidden(String reason, String detail) {
        return new ApiException(403, reason, detail);
    }
}
