package org.ehrflow.gateway.bulk;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.ehrflow.runtime.Secret;
import org.ehrflow.runtime.smart.SmartBackendClient;

/**
 * One Bulk Data export this gateway runs against an EHR's FHIR server.
 *
 * @param name     the job's name: provenance {@code sourceSystem} and the sender scope of its records
 * @param baseUrl  the server's FHIR base URL
 * @param level    {@code system} ({@code [base]/$export}), {@code patient} ({@code [base]/Patient/$export}) or
 *                 {@code group:<id>} ({@code [base]/Group/<id>/$export})
 * @param types    {@code _type} filter (empty: every type the server exports)
 * @param token    static bearer token for the server (empty: none)
 * @param stateFile where the job's {@link BulkState} lives
 * @param smart    SMART Backend Services client whose access tokens replace the static one, or null
 */
public record BulkJob(String name, String baseUrl, String level, List<String> types, Secret token, Path stateFile,
        SmartBackendClient smart) {

    public BulkJob {
        types = List.copyOf(types);
    }

    public BulkJob(String name, String baseUrl, String level, List<String> types, Secret token, Path stateFile) {
        this(name, baseUrl, level, types, token, stateFile, null);
    }

    /** The bearer token to send now, or empty. */
    public String bearer() throws IOException, InterruptedException {
        return smart != null ? smart.accessToken() : token.value();
    }

    /** The kick-off URL, with {@code _type} and, for an incremental run, {@code _since}. */
    public String kickoffUrl(String since) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String path = level.equals("system") ? "/$export" : level.equals("patient") ? "/Patient/$export"
                : "/Group/" + level.substring("group:".length()) + "/$export";
        StringBuilder q = new StringBuilder();
        if (!types.isEmpty()) {
            q.append("_type=").append(URLEncoder.encode(String.join(",", types), StandardCharsets.UTF_8));
        }
        if (since != null) {
            q.append(q.length() == 0 ? "" : "&").append("_since=").append(URLEncoder.encode(since,
                    StandardCharsets.UTF_8));
        }
        return base + path + (q.length() == 0 ? "" : "?" + q);
    }
}
