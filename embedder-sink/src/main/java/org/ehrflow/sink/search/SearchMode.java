package org.ehrflow.sink.search;

import java.util.Locale;

/** How {@code ehrflow.search_chunks} ranks: dense and BM25 fused (the default), either alone. */
public enum SearchMode {
    HYBRID, DENSE, LEXICAL;

    /** The value of the SQL function's {@code p_mode}. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }
}
