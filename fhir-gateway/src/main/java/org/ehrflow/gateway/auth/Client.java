package org.ehrflow.gateway.auth;

import java.util.Set;

/**
 * An authenticated caller: its id (the provenance's {@code sourceSystem} and the sender scope of identifiers
 * without a system) and the resource types it may write.
 *
 * @param id           stable client id from the configuration
 * @param allowedTypes resource types this client may write; {@code *} allows every type
 */
public record Client(String id, Set<String> allowedTypes) {

    public static final String ANY_TYPE = "*";

    public Client {
        allowedTypes = Set.copyOf(allowedTypes);
    }

    /** Whether this client may write resources of {@code type} (Bundle wrappers are checked entry by entry). */
    public boolean mayWrite(String type) {
        return allowedTypes.contains(ANY_TYPE) || allowedTypes.contains(type);
    }
}
