package org.ehrflow.runtime;

import java.util.Objects;

/** A configuration secret (password, API key). Its {@code toString()} is masked so effective-config logs are safe. */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "******";
    }
}
