package org.ehrflow.chunker.chunking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ehrflow.chunker.chunking.phi.Deidentifier;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.chunker.chunking.phi.PhiSpan;
import org.ehrflow.schemas.Chunk;

/**
 * Turns a set's pieces into chunks: id {@code sourceId#index}, content hash, PHI kinds and, when enabled, the
 * de-identified text (placeholders stable across the set's chunks). Thread-safe.
 */
final class ChunkTagger {

    private final PhiDetector phi;
    private final boolean deidentify;

    ChunkTagger(PhiDetector phi, boolean deidentify) {
        this.phi = phi;
        this.deidentify = deidentify;
    }

    List<Chunk> tag(String sourceId, List<Piece> pieces, KnownPhi known) {
        List<Chunk> chunks = new ArrayList<>(pieces.size());
        Deidentifier deid = new Deidentifier();
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            List<PhiSpan> spans = phi.find(p.text(), known);
            List<String> kinds = PhiDetector.kinds(spans).stream().map(Enum::name).sorted().toList();
            String deidentified = deidentify ? deid.apply(p.text(), spans) : null;
            chunks.add(new Chunk(sourceId + "#" + i, i, p.section(), p.text(), p.tokenCount(), sha256(p.text()),
                    !kinds.isEmpty(), kinds, deidentified, p.citation()));
        }
        return chunks;
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
