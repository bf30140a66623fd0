package org.ehrflow.embedding;

import java.util.List;

/**
 * An {@link Embedder} in front of another one that changes how questions reach it (batching, caching) and passes
 * everything else through: passages (their callers batch them already), the model's name, width and inference
 * size. It does not own the delegate: closing it leaves the delegate open (the caller that loaded the model closes
 * it).
 */
abstract class ForwardingEmbedder implements Embedder {

    protected final Embedder delegate;

    protected ForwardingEmbedder(Embedder delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return delegate.embed(texts);
    }

    @Override
    public List<float[]> embedQueries(List<String> questions) {
        return delegate.embedQueries(questions);
    }

    @Override
    public String modelName() {
        return delegate.modelName();
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public int inferenceBatch() {
        return delegate.inferenceBatch();
    }
}
