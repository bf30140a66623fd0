package org.ehrflow.chunker.chunking;

/**
 * A piece of section text that fits a chunk on its own (a paragraph, line, sentence or token window), with the
 * separator that precedes it when joined to the unit before it.
 */
record TokenUnit(String text, String separator, int tokens) {
}
