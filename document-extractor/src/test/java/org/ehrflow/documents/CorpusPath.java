package org.ehrflow.documents;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared corpus of documents, relative to this module (or the repository root, for exec drivers). */
public final class CorpusPath {

    public static final Path DOCS = Files.isDirectory(Path.of("..", "..", "shared", "corpus", "documents"))
            ? Path.of("..", "..", "shared", "corpus", "documents") : Path.of("..", "shared", "corpus", "documents");

    private CorpusPath() {
    }
}
