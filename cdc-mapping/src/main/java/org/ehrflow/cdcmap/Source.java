package org.ehrflow.cdcmap;

/**
 * Where one value comes from: a column of the row, or a constant written in the file.
 *
 * @param column the column name, or null for a constant
 * @param constant the literal, or null for a column
 */
public record Source(String column, String constant) {

    public static Source column(String name) {
        return new Source(name, null);
    }

    public static Source constant(String value) {
        return new Source(null, value);
    }

    public boolean isColumn() {
        return column != null;
    }
}
