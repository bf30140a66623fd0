package org.ehrflow.sink.search;

import java.util.List;

/**
 * One hybrid search result: the row (as a {@link SearchHit}; its distance is NaN in lexical mode), every source
 * that holds the same text (twins collapsed into this one hit), where each ranking put it (null: not in that
 * ranking's candidates), and the resources whose facts the text states ({@code cites}: the exact Observation of
 * an encounter story), to cite in an answer.
 */
public record HybridHit(SearchHit hit, List<String> sources, Integer denseRank, Integer lexicalRank,
        Double lexicalScore, double score, List<String> cites) {

    public HybridHit {
        sources = List.copyOf(sources);
        cites = List.copyOf(cites);
    }
}
