package org.ehrflow.sink.error;

import java.sql.SQLException;

/**
 * A fault no retry can fix (bad credentials, missing pgvector, missing privilege): the sink stops and says which
 * setting to look at. The message holds SQLSTATEs and setting names only, never data.
 */
public final class SinkFatalException extends RuntimeException {

    public SinkFatalException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A fatal PostgreSQL error, named by SQLSTATE and the setting behind it. */
    public static SinkFatalException ofSql(String doing, SQLException e) {
        return new SinkFatalException("PostgreSQL refused " + doing + " (SQLSTATE " + e.getSQLState() + "): check "
                + SqlErrorClass.hint(e.getSQLState()), e);
    }
}
