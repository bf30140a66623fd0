package org.ehrflow.chunker.chunking.render;

/** Builds the plain clinical sentences of a rendered resource, skipping facts the resource does not have. */
final class Sentences {

    private final StringBuilder sb = new StringBuilder();

    /** Appends "label: value." when the value is present. */
    Sentences add(String label, String value) {
        if (value != null && !value.isBlank()) {
            sentence(label + ": " + value.strip());
        }
        return this;
    }

    /** Appends a whole sentence when present. */
    Sentences sentence(String s) {
        if (s != null && !s.isBlank()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String t = s.strip();
            sb.append(t);
            if (!t.endsWith(".")) {
                sb.append('.');
            }
        }
        return this;
    }

    String text() {
        return sb.toString();
    }
}
