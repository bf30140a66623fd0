package org.ehrflow.demo.retrieval;

import java.util.List;

/**
 * One ranked result as the benchmark judges it: the text and every resource the row cites (its source, its
 * twins' sources when duplicates are collapsed, and the facts it states where the row lists them).
 */
record Hit(String text, List<String> cites) {

    Hit {
        cites = List.copyOf(cites);
    }
}
