package org.ehrflow.gateway.subscription;

import org.ehrflow.runtime.Secret;

/**
 * One Subscription the gateway receives notifications for, and the FHIR server that owns it (where
 * {@code id-only} notifications' resources are read).
 *
 * @param id       the Subscription's logical id on the source server
 * @param baseUrl  the source server's FHIR base URL; only URLs under it are fetched
 * @param token    bearer token for reading from the source (empty: none)
 */
public record SubscriptionSource(String id, String baseUrl, Secret token) {

    /** Whether {@code reference} (absolute or relative) names this Subscription. */
    public boolean names(String reference) {
        return Notification.tail(reference).equals("Subscription/" + id);
    }

    /** The absolute URL of {@code focus} on this source, or null if it points elsewhere (never fetched). */
    public String resolve(String focus) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (focus.startsWith("http://") || focus.startsWith("https://")) {
            return focus.startsWith(base + "/") ? focus : null;
        }
        return focus.contains("..") || focus.startsWith("/") ? null : base + "/" + focus;
    }

    @Override
    public String toString() {
        return "SubscriptionSource[" + id + ", " + baseUrl + "]";
    }
}
