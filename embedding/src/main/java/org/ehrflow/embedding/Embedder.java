package org.ehrflow.embedding;

import java.util.List;

/**
 * Turns chunk text into vectors for the sink; implementations batch internally so a caller hands over a whole
 * batch at once. Vectors are L2-normalised, so cosine distance equals {@code 1 - dot product}.
 */
public interface Embedder extends AutoCloseable {

    /**
     * One vector of {@link #dimensions()} floats per text, in the order of {@code texts}. Text beyond the model's
     * window is truncated (chunks are sized so that it never is).
     */
    List<float[]> embed(List<String> texts);

    /**
     * The vector of a search question. Asymmetric retrieval models (BGE) expect an instruction before a query and
     * none before a passage; symmetric ones embed a query like any text.
     */
    default float[] embedQuery(String question) {
        return embed(List.of(question)).get(0);
    }

    /** The query vectors of several questions, in order: one model call where the implementation batches. */
    default List<float[]> embedQueries(List<String> questions) {
        return questions.stream().map(this::embedQuery).toList();
    }

    /**
     * Most texts one inference takes; a larger call is cut into inferences of this size and answers when the last
     * is done, so a caller that hands over independent questions (QueryBatcher) can answer each part as it is done.
     */
    default int inferenceBatch() {
        return Integer.MAX_VALUE;
    }

    /** Name stored with every row, so rows embedded by another model can be found and re-embedded. */
    String modelName();

    /** Length of every vector {@link #embed} returns. */
    int dimensions();

    /** Releases native resources; no call may be in flight. */
    @Override
    void close();
}
