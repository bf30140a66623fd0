package org.ehrflow.sink.search;

import java.util.List;

/**
 * One hybrid search result: the row (as a {@link SearchHit}; its distance is NaN in lexical mode), every source
 * that holds the same text (twins collapsed into this one hit), and where each ranking put it (null: not in that
 * ranking's candidates).
 */
public record HybridHit(SearchHit hit, List<String> sources, Integer denseRank, Integer lexicalRank,
        Double lexicalScore, double score) {

    public HybridHit {
        sources = List.copyOf(sources);
    }
}
