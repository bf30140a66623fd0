package org.ehrflow.gateway.subscription;

import java.util.Optional;

/** Reads one resource from a Subscription's source server (for {@code id-only} notifications). */
public interface SourceFetcher {

    /** Thrown when the source cannot answer now: the notification is answered 503 so the EHR retries it. */
    final class Unavailable extends Exception {
        public Unavailable(String why) {
            super(why);
        }
    }

    /** The resource's JSON, or empty if the source says it is gone (404/410). */
    Optional<String> fetch(SubscriptionSource source, String url) throws Unavailable;
}
