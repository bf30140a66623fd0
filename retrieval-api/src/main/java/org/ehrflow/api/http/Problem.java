package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** RFC 9457 problem documents ({@code application/problem+json}), built only from codes and fixed texts. */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://ehrflow.org/problems/";

    private Problem() {
    }

    public static ObjectNode of(int status, String reason, String detail, UUID requestId) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", TYPE_BASE + reason.replace('_', '-'));
        n.put("title", title(status));
        n.put("status", status);
        n.put("detail", detail);
        n.put("reason", reason);
        n.put("request_id", requestId.toString());
        return n;
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
