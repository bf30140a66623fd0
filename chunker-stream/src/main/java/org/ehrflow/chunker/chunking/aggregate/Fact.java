package org.ehrflow.chunker.chunking.aggregate;

/**
 * One structured resource rendered for an aggregate (an encounter's story or the patient summary).
 *
 * @param ref      "Type/id" of the resource
 * @param category what the fact is for: the resource type in an encounter; PROBLEM, MEDICATION or ALLERGY in the
 *                 summary
 * @param date     its clinical date for headers (yyyy-MM-dd or coarser), or null
 * @param time     when it happened (UTC instant string) for ordering, or null
 * @param text     rendered sentences
 */
public record Fact(String ref, String category, String date, String time, String text) {
}
