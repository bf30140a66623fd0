package org.ehrflow.sink.error;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * What a PostgreSQL error means for the sink, by SQLSTATE (after Debezium's PostgresErrorHandler): retry the
 * same batch, reject the record that caused it, or stop because the configuration is wrong.
 */
public enum SqlErrorClass {
    /** Connection lost, serialization failure, deadlock, resources exhausted, server shutting down: retry. */
    TRANSIENT,
    /** The data was refused (data exception, constraint): the record goes to the DLQ. */
    RECORD,
    /** Credentials, privileges, missing extension or schema: no retry helps; stop with a message. */
    FATAL;

    /** Classifies {@code e} by its SQLSTATE; an error without one is a lost connection (transient). */
    public static SqlErrorClass of(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return TRANSIENT;
        }
        if (e instanceof SQLTransientException) {
            return TRANSIENT;
        }
        String cls = state.substring(0, 2);
        return switch (cls) {
            case "08", "53" -> TRANSIENT;                // connection, insufficient resources
            case "40" -> TRANSIENT;                      // 40001 serialization failure, 40P01 deadlock
            case "57" -> state.startsWith("57P") || state.equals("57014") ? TRANSIENT : FATAL; // shutdown, cancel
            case "55" -> state.equals("55P03") || state.equals("55006") ? TRANSIENT : RECORD;   // lock not available
            case "28", "3D", "3F" -> FATAL;              // auth, unknown database or schema
            case "58" -> FATAL;                          // 58P01 undefined file: extension not installed
            case "42" -> state.equals("42501") || state.equals("42704") || state.equals("42883")
                    // privilege, missing object or column
                    || state.equals("42P01") || state.equals("42703") ? FATAL : RECORD;
            case "XX" -> FATAL;                          // internal error, data corrupted
            default -> RECORD;                           // 22 data exception, 23 constraint, ...
        };
    }

    /** The setting an operator should look at for a fatal SQLSTATE. */
    public static String hint(String sqlState) {
        if (sqlState == null) {
            return "EHRFLOW_SINK_JDBC_URL";
        }
        if (sqlState.startsWith("28")) {
            return "EHRFLOW_SINK_USER / EHRFLOW_SINK_PASSWORD (authentication failed)";
        }
        if (sqlState.equals("3D000")) {
            return "EHRFLOW_SINK_JDBC_URL (the database does not exist)";
        }
        if (sqlState.equals("58P01") || sqlState.equals("42704") || sqlState.equals("42883")) {
            return "the pgvector extension (install it in the server and CREATE EXTENSION vector in the database of "
                    + "EHRFLOW_SINK_JDBC_URL)";
        }
        if (sqlState.equals("42501")) {
            return "EHRFLOW_SINK_USER (missing privilege: it must own schema ehrflow)";
        }
        if (sqlState.equals("42P01") || sqlState.equals("3F000")) {
            return "the schema ehrflow of EHRFLOW_SINK_JDBC_URL (migrations have not run)";
        }
        return "EHRFLOW_SINK_JDBC_URL";
    }
}
