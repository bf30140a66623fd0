package org.ehrflow.api.search;

import java.util.Map;
import org.ehrflow.api.auth.TextLevel;

/**
 * One patient-scoped search as the backend receives it. Holds the query text (PHI): {@link #toString()} leaves
 * it out.
 *
 * @param patientKey the patient (already authorized)
 * @param text       the question, for backends with a lexical part
 * @param vector     the question embedded by {@code model}
 * @param model      the embedding model's name (the search is refused if readers are served another)
 * @param k          hits wanted
 * @param level      raw or de-identified text
 * @param mode       search mode, one of the backend's {@link SearchBackend#modes()}
 * @param filters    filters by name, each one of the backend's {@link SearchBackend#filters()}
 */
public record SearchQuery(String patientKey, String text, float[] vector, String model, int k, TextLevel level,
        String mode, Map<String, String> filters) {

    public SearchQuery {
        filters = Map.copyOf(filters);
    }

    @Override
    public String toString() {
        return "SearchQuery[k=" + k + ", level=" + level + ", mode=" + mode + ", filters=" + filters.keySet() + "]";
    }
}
