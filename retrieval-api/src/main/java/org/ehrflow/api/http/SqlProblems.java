package org.ehrflow.api.http;

import java.sql.SQLException;

/** Maps a database error to a problem the caller can act on; SQLSTATEs only, never the server's message. */
final class SqlProblems {

    private SqlProblems() {
    }

    static ApiException of(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if ("55000".equals(state)) {
            return new ApiException(503, "model_switched",
                    "the store now serves another embedding model; the service must be redeployed with it");
        }
        if ("22023".equals(state)) {
            return ApiException.badRequest("invalid_parameter", "a parameter is out of range");
        }
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.isEmpty()) {
            return new ApiException(503, "database_unavailable", "the store is unavailable; retry later");
        }
        return new ApiException(500, "database_error", "the request failed in the store");
    }
}
