package org.ehrflow.cdcmap;

/**
 * One thing wrong with a mapping file, where it is. Messages name tables, columns and types, never row values.
 *
 * @param file    the mapping file's name
 * @param line    1-based line, 0 when the problem has no line (a table missing from the database)
 * @param message what is wrong
 */
public record Problem(String file, int line, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
