package org.ehrflow.sink.error;

import java.sql.SQLException;

/** A fault that belongs to the data of a batch (not the infrastructure): retry record by record, DLQ the culprit. */
public final class RecordFailure extends RuntimeException {

    private final String reasonCode;

    public RecordFailure(String reasonCode, Throwable cause) {
        super(reasonCode + " (" + cause.getClass().getSimpleName()
                + (cause instanceof SQLException e ? ", SQLSTATE " + e.getSQLState() : "") + ")",
                cause, false, false);
        this.reasonCode = reasonCode;
    }

    public String reasonCode() {
        return reasonCode;
    }
}
