package org.ehrflow.sink.search;

import java.util.Objects;

/**
 * One question to {@code ehrflow.search_chunks} (V6 overload): the patient, the question's text (for BM25) and its
 * vector (for the dense ranking; embed it with the serving model's {@code embedQuery}), how many hits, the model
 * the vector came from (null: no check), the mode and the filters. The text is PHI: {@link #toString()} omits it.
 */
public record HybridQuery(String patientKey, String text, float[] vector, int k, String model, SearchMode mode,
        SearchFilter filter) {

    public HybridQuery {
        Objects.requireNonNull(patientKey, "patientKey");
        mode = mode == null ? SearchMode.HYBRID : mode;
        filter = filter == null ? SearchFilter.NONE : filter;
        if (k < 1 || k > 1000) {
            throw new IllegalArgumentException("k must be between 1 and 1000");
        }
        if (vector == null && mode != SearchMode.LEXICAL) {
            throw new IllegalArgumentException("a query vector is required in " + mode + " mode");
        }
        if ((text == null || text.isBlank()) && mode != SearchMode.DENSE) {
            throw new IllegalArgumentException("the question's text is required in " + mode + " mode");
        }
    }

    /** Hybrid, no filter, no model check. */
    public static HybridQuery of(String patientKey, String text, float[] vector, int k) {
        return new HybridQuery(patientKey, text, vector, k, null, SearchMode.HYBRID, SearchFilter.NONE);
    }

    public HybridQuery withMode(SearchMode m) {
        return new HybridQuery(patientKey, text, vector, k, model, m, filter);
    }

    public HybridQuery withFilter(SearchFilter f) {
        return new HybridQuery(patientKey, text, vector, k, model, mode, f);
    }

    public HybridQuery withModel(String m) {
        return new HybridQuery(patientKey, text, vector, k, m, mode, filter);
    }

    @Override
    public String toString() {
        return "HybridQuery[" + mode + ", k=" + k + ", model=" + model + "]";
    }
}
