package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ehrflow.api.auth.AccessPolicy;
import org.ehrflow.api.auth.TextLevel;
import org.ehrflow.api.store.Readers;
import org.ehrflow.api.store.TimelineStore;

/**
 * {@code GET /v1/patients/{patient}/timeline?type=Observation,Condition&since=..&until=..&limit=50&cursor=..}:
 * the patient's events in time order, newest first. The path names the patient by key only: identifiers in
 * URLs end up in proxy logs.
 */
public final class TimelineEndpoint implements Endpoint {

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final int MAX_LIMIT = 200;
    private static final int DEFAULT_LIMIT = 50;

    private final AccessPolicy policy;
    private final Readers readers;

    public TimelineEndpoint(AccessPolicy policy, Readers readers) {
        this.policy = policy;
        this.readers = readers;
    }

    @Override
    public ObjectNode handle(RequestContext ctx) throws ApiException, SQLException {
        String patientKey = PatientRef.checked(ctx.pathParam("patient"));
        ctx.patient(patientKey);
        TimelineStore.Query q = new TimelineStore.Query(types(ctx.queryParam("type")),
                instant(ctx.queryParam("since"), "since"), instant(ctx.queryParam("until"), "until"),
                limit(ctx.queryParam("limit")), ctx.queryParam("cursor"));
        if (q.cursor() != null && !TimelineStore.validCursor(q.cursor())) {
            throw ApiException.badRequest("cursor_invalid", "cursor must be a next_cursor this API returned");
        }
        TextLevel level = policy.decide(ctx.caller(), patientKey).orElseThrow(() -> ApiException.forbidden(
                "patient_not_allowed", "the token does not allow reading this patient"));
        ctx.textLevel(level);
        TimelineStore.Page page = readers.forPatient(level, patientKey, c -> TimelineStore.read(c, level,
                patientKey, q));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("patient_key", patientKey);
        out.put("text_level", level.name().toLowerCase(Locale.ROOT));
        ArrayNode arr = out.putArray("events");
        List<String> refs = new ArrayList<>();
        for (TimelineStore.Entry e : page.entries()) {
            arr.addObject().put("resource", e.resourceRef()).put("resource_type", e.resourceType())
                    .put("time", e.time().toString()).put("version", e.version()).put("status", e.status())
                    .put(level == TextLevel.RAW ? "summary" : "deidentified_summary", e.rendering())
                    .putObject("citation").put("resource", e.resourceRef()).put("version", e.version());
            refs.add(e.resourceRef());
        }
        out.put("next_cursor", page.nextCursor());
        ctx.returned(List.of(), refs, refs.size());
        return out;
    }

    private static List<String> types(String param) throws ApiException {
        List<String> out = new ArrayList<>();
        if (param == null || param.isBlank()) {
            return out;
        }
        for (String t : param.split(",")) {
            if (!TYPE.matcher(t.strip()).matches() || out.size() >= 32) {
                throw ApiException.badRequest("type_invalid", "type is a comma list of FHIR resource types");
            }
            out.add(t.strip());
        }
        return out;
    }

    private static Instant instant(String param, String name) throws ApiException {
        if (param == null || param.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(param);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("time_invalid", name + " must be an ISO-8601 instant (2024-01-31T00:00:00Z)");
        }
    }

    private static int limit(String param) throws ApiException {
        if (param == null || param.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int l = Integer.parseInt(param);
            if (l >= 1 && l <= MAX_LIMIT) {
                return l;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw ApiException.badRequest("limit_out_of_range", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
