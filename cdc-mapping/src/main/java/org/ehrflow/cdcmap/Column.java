package org.ehrflow.cdcmap;

/**
 * A declared source column.
 *
 * @param name the column name as the database spells it
 * @param type one of {@link ColumnTypes#KNOWN}
 * @param phi  whether it holds protected health information (never logged, never in a DLQ header or metric)
 * @param line where it is declared
 */
public record Column(String name, String type, boolean phi, int line) {
}
