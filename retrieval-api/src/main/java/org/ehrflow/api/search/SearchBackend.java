package org.ehrflow.api.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The one seam between the API and the store's search functions. Runs on a connection whose transaction the
 * caller already scoped to the patient (row-level security); the implementation only calls the function. Swap
 * the implementation (e.g. for the hybrid lexical + dense overload) without touching the HTTP layer: modes and
 * filters it offers are declared here and validated by the API before a call.
 */
public interface SearchBackend {

    List<Hit> search(Connection c, SearchQuery q) throws SQLException;

    /** Modes a request may name; the first is the default. */
    List<String> modes();

    /** Filter names a request may use. */
    Set<String> filters();
}
