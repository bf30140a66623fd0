package org.ehrflow.chunker.chunking.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What the first line of every chunk says about where its text came from: document type, date, section and
 * encounter, so a chunk retrieved on its own still reads in context. Never the patient's name.
 *
 * @param noteType    document type ("History and physical note") or resource type for structured facts
 * @param date        the document's date (yyyy-MM-dd or coarser), or null
 * @param encounterId FHIR id of the encounter, or null
 */
public record ContextHeader(String noteType, String date, String encounterId) {

    public static final String SEPARATOR = " | ";

    /** The header line for a chunk of {@code section}; the section is left out when it repeats the note type. */
    public String line(String section, boolean withEncounter) {
        List<String> parts = new ArrayList<>(4);
        addIfPresent(parts, noteType);
        addIfPresent(parts, date);
        if (section != null && !section.equalsIgnoreCase(noteType)) {
            addIfPresent(parts, section);
        }
        if (withEncounter && encounterId != null && !encounterId.isBlank()) {
            parts.add(encounterReference(encounterId));
        }
        return parts.isEmpty() ? "Note" : String.join(SEPARATOR, parts);
    }

    /** How the header spells an encounter: its FHIR reference. */
    public static String encounterReference(String encounterId) {
        return "Encounter/" + encounterId.strip();
    }

    private static void addIfPresent(List<String> parts, String s) {
        if (s != null && !s.isBlank()) {
            parts.add(s.strip().replaceAll("\\s+", " "));
        }
    }
}
