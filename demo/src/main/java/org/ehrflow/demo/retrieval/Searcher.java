package org.ehrflow.demo.retrieval;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** One retrieval method under test: the top {@code k} hits of one patient for one question. */
interface Searcher {

    /** Label in the report ("hybrid rrf", "naive dense", ...). */
    String name();

    List<Hit> search(Connection c, String patientKey, String question, float[] queryVector, int k)
            throws SQLException;
}
