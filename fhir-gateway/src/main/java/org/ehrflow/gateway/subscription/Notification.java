package org.ehrflow.gateway.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;

/**
 * A Subscriptions R5 Backport (for R4) notification: a {@code history} Bundle whose first entry is the
 * subscription status (a {@code Parameters} resource, profile {@code backport-subscription-status-r4}) and whose
 * further entries carry the focus resources ({@code full-resource}) or only their fullUrls ({@code id-only}).
 *
 * @param subscription the status's {@code subscription} reference (absolute or {@code Subscription/<id>})
 * @param type         {@code handshake}, {@code heartbeat}, {@code event-notification}, {@code query-status}, ...
 * @param events       the notification events, in order
 */
public record Notification(String subscription, String type, List<Event> events) {

    /** One event: its number (events since the subscription started) and the URL of its focus, if any. */
    public record Event(long number, String focus) {
    }

    public Notification {
        events = List.copyOf(events);
    }

    /** The notification in {@code b}, or empty if the Bundle is not one (with {@code why} filled in). */
    public static Optional<Notification> read(Bundle b, StringBuilder why) {
        if (b.getType() != Bundle.BundleType.HISTORY || b.getEntry().isEmpty()
                || !(b.getEntryFirstRep().getResource() instanceof Parameters status)) {
            why.append("a notification is a history Bundle whose first entry is a Parameters subscription status");
            return Optional.empty();
        }
        String subscription = null;
        String type = null;
        List<Event> events = new ArrayList<>();
        for (ParametersParameterComponent p : status.getParameter()) {
            switch (p.getName() == null ? "" : p.getName()) {
                case "subscription" -> subscription = p.getValue() instanceof Reference r ? r.getReference() : null;
                case "type" -> type = p.getValue() == null ? null : p.getValue().primitiveValue();
                case "notification-event" -> {
                    Long number = null;
                    String focus = null;
                    for (ParametersParameterComponent part : p.getPart()) {
                        if ("event-number".equals(part.getName()) && part.getValue() != null) {
                            number = parseLong(part.getValue().primitiveValue());
                        } else if ("focus".equals(part.getName()) && part.getValue() instanceof Reference r) {
                            focus = r.getReference();
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
        if (subscription == null || type == null) {
            why.append("the subscription status needs the subscription and type parameters");
            return Optional.empty();
        }
        return Optional.of(new Notification(subscription, type, events));
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
