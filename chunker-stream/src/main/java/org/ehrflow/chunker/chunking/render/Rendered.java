package org.ehrflow.chunker.chunking.render;

/**
 * A structured resource as text.
 *
 * @param date the clinically relevant date for the chunk header (effective, onset, authored ...), or null
 * @param text plain sentences
 */
public record Rendered(String date, String text) {
}
