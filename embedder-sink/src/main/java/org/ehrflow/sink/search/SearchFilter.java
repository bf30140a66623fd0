package org.ehrflow.sink.search;

import java.time.Instant;
import java.util.List;

/**
 * Narrows a patient-scoped search: event time in {@code [from, to)}, resource types, one encounter (its story and
 * every row filed under it), note types, sections. Null or empty means no restriction on that field.
 */
public record SearchFilter(Instant from, Instant to, List<String> resourceTypes, String encounterId,
        List<String> noteTypes, List<String> sections) {

    /** No restriction. */
    public static final SearchFilter NONE = new SearchFilter(null, null, null, null, null, null);

    public SearchFilter {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        resourceTypes = resourceTypes == null || resourceTypes.isEmpty() ? null : List.copyOf(resourceTypes);
        noteTypes = noteTypes == null || noteTypes.isEmpty() ? null : List.copyOf(noteTypes);
        sections = sections == null || sections.isEmpty() ? null : List.copyOf(sections);
        encounterId = encounterId == null || encounterId.isBlank() ? null : encounterId;
    }

    public SearchFilter between(Instant from, Instant to) {
        return new SearchFilter(from, to, resourceTypes, encounterId, noteTypes, sections);
    }

    public SearchFilter resourceTypes(String... types) {
        return new SearchFilter(from, to, List.of(types), encounterId, noteTypes, sections);
    }

    public SearchFilter encounter(String id) {
        return new SearchFilter(from, to, resourceTypes, id, noteTypes, sections);
    }

    public SearchFilter noteTypes(String... types) {
        return new SearchFilter(from, to, resourceTypes, encounterId, List.of(types), sections);
    }

    public SearchFilter sections(String... names) {
        return new SearchFilter(from, to, resourceTypes, encounterId, noteTypes, List.of(names));
    }
}
