package org.ehrflow.cdcmap;

import java.util.List;

/**
 * A row condition: {@code column}'s value (as text; booleans as true/false) is one of {@code values}. Used for
 * deletion rules such as {@code status = 'entered-in-error'} or a soft-delete flag.
 */
public record Condition(String column, List<String> values, int line) {
}
