package org.ehrflow.gateway.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Subscriptions notification, in either shape an EHR sends to an R4 endpoint:
 * <ul>
 *   <li>R5 Backport for R4: a {@code history} Bundle whose first entry is the subscription status as a
 *   {@code Parameters} resource (profile {@code backport-subscription-status-r4});</li>
 *   <li>R4B and R5: a {@code subscription-notification} Bundle whose first entry is a {@code SubscriptionStatus}
 *   ({@code notificationEvent.eventNumber}, {@code focus}, {@code subscription}, {@code type}).</li>
 * </ul>
 * Further entries carry the focus resources ({@code full-resource}) or nothing ({@code id-only}). Read from the JSON
 * tree, so the R4B/R5 shape (whose types R4 does not know) needs no R4 model.
 *
 * @param subscription the status's {@code subscription} reference (absolute or {@code Subscription/<id>})
 * @param type         {@code handshake}, {@code heartbeat}, {@code event-notification}, {@code query-status}, ...
 * @param events       the notification events, in order
 */
public record Notification(String subscription, String type, List<Event> events) {

    /** Bundle.type of the R4B/R5 shape. */
    public static final String R5_BUNDLE_TYPE = "subscription-notification";

    /** One event: its number (events since the subscription started) and the URL of its focus, if any. */
    public record Event(long number, String focus) {
    }

    public Notification {
        events = List.copyOf(events);
    }

    /** Whether {@code bundle} is the R4B/R5 shape (checked as such, not against R4's structure definitions). */
    public static boolean isR5Shape(JsonNode bundle) {
        return "Bundle".equals(bundle.path("resourceType").asText())
                && R5_BUNDLE_TYPE.equals(bundle.path("type").asText());
    }

    /** The notification in {@code bundle}, or empty if it is not one (with {@code why} filled in). */
    public static Optional<Notification> read(JsonNode bundle, StringBuilder why) {
        JsonNode status = bundle.path("entry").path(0).path("resource");
        String bundleType = bundle.path("type").asText();
        if ("history".equals(bundleType) && "Parameters".equals(status.path("resourceType").asText())) {
            return fromParameters(status, why);
        }
        if (R5_BUNDLE_TYPE.equals(bundleType) && "SubscriptionStatus".equals(status.path("resourceType").asText())) {
            return fromStatus(status, why);
        }
        why.append("a notification is a history Bundle whose first entry is a Parameters subscription status, or a"
                + " subscription-notification Bundle whose first entry is a SubscriptionStatus");
        return Optional.empty();
    }

    private static Optional<Notification> fromParameters(JsonNode status, StringBuilder why) {
        String subscription = null;
        String type = null;
        List<Event> events = new ArrayList<>();
        for (JsonNode p : status.path("parameter")) {
            switch (p.path("name").asText()) {
                case "subscription" -> subscription = reference(value(p));
                case "type" -> type = text(value(p));
                case "notification-event" -> {
                    Long number = null;
                    String focus = null;
                    for (JsonNode part : p.path("part")) {
                        if ("event-number".equals(part.path("name").asText())) {
                            number = parseLong(text(value(part)));
                        } else if ("focus".equals(part.path("name").asText())) {
                            focus = reference(value(part));
                        }
                    }
                    if (number == null) {
                        why.append("notification-event without a numeric event-number");
                        return Optional.empty();
                    }
                    events.add(new Event(number, focus));
                }
                default -> {
                    // status, topic, events-since-subscription-start, error: not needed for ingestion
                }
            }
        }
        return complete(subscription, type, events, why);
    }

    private static Optional<Notification> fromStatus(JsonNode status, StringBuilder why) {
        List<Event> events = new ArrayList<>();
        for (JsonNode e : status.path("notificationEvent")) {
            // integer64 in R5 is a JSON string; R4B's eventNumber is a string too; accept a number as well.
            Long number = parseLong(text(e.path("eventNumber")));
            if (number == null) {
                why.append("notificationEvent without a numeric eventNumber");
                return Optional.empty();
            }
            events.add(new Event(number, reference(e.path("focus"))));
        }
        return complete(reference(status.path("subscription")), text(status.path("type")), events, why);
    }

    private static Optional<Notification> complete(String subscription, String type, List<Event> events,
            StringBuilder why) {
        if (subscription == null || type == null) {
            why.append("the subscription status needs the subscription and type");
            return Optional.empty();
        }
        return Optional.of(new Notification(subscription, type, events));
    }

    /** The {@code value[x]} of a Parameters parameter (the first field named value...). */
    private static JsonNode value(JsonNode parameter) {
        for (Iterator<Map.Entry<String, JsonNode>> it = parameter.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().startsWith("value")) {
                return f.getValue();
            }
        }
        return parameter.path("value");
    }

    private static String text(JsonNode n) {
        return n.isValueNode() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static String reference(JsonNode n) {
        String r = n.path("reference").asText("");
        return r.isBlank() ? null : r;
    }

    /** "Type/id" of a resource URL (absolute, relative, with or without _history). */
    public static String tail(String url) {
        String u = url.replaceFirst("/_history/[^/]*$", "");
        String[] parts = u.split("/");
        return parts.length < 2 ? u : parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
