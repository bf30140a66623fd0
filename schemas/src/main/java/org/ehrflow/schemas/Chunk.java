package org.ehrflow.schemas;

import java.util.List;
import java.util.Objects;

/**
 * One embeddable piece of text. The text is PHI: {@link #toString()} never prints it.
 *
 * @param chunkId     deterministic: a function of the source resource id and the chunk's position
 * @param index       position of the chunk within its set, from 0
 * @param section     clinical section the text came from ("Assessment", "Plan", ...), or the rendering kind
 * @param text        the text to embed, including its short context header
 * @param tokenCount  tokens counted with the embedding model's own tokenizer (never above its limit)
 * @param contentHash SHA-256 (hex) of the text: equal hash and model means no re-embedding
 * @param phiPresent  whether the text contains PHI that a de-identifying reader must not see
 * @param phiKinds    kinds found (NAME, IDENTIFIER, DATE, PHONE, EMAIL, ADDRESS, AGE_OVER_89, URL), sorted
 * @param deidentifiedText the text with PHI replaced by stable placeholders (e.g. [NAME-1]), for model calls
 *                    that must not see PHI; null when the chunker does not produce it
 * @param citation    page(s), section code and OCR facts of a chunk cut from an extracted document, else null
 * @param cites       the resources ("Type/id") whose facts the text states: the source itself for a note or a
 *                    resource's own set, every Observation, Immunization, ... (and the Encounter) that an encounter
 *                    story or the patient summary chunk tells; empty in JSON written before the field existed
 */
public record Chunk(
        String chunkId,
        int index,
        String section,
        String text,
        int tokenCount,
        String contentHash,
        boolean phiPresent,
        List<String> phiKinds,
        String deidentifiedText,
        Citation citation,
        List<String> cites) {

    /** A chunk that does not come from an extracted document and lists no citations beyond its set's source. */
    public Chunk(String chunkId, int index, String section, String text, int tokenCount, String contentHash,
            boolean phiPresent, List<String> phiKinds, String deidentifiedText) {
        this(chunkId, index, section, text, tokenCount, contentHash, phiPresent, phiKinds, deidentifiedText, null,
                List.of());
    }

    /** A chunk cut from an extracted document ({@code citation}: its page(s) or section). */
    public Chunk(String chunkId, int index, String section, String text, int tokenCount, String contentHash,
            boolean phiPresent, List<String> phiKinds, String deidentifiedText, Citation citation) {
        this(chunkId, index, section, text, tokenCount, contentHash, phiPresent, phiKinds, deidentifiedText, citation,
                List.of());
    }

    /** A chunk without a de-identified variant. */
    public Chunk(String chunkId, int index, String section, String text, int tokenCount, String contentHash,
            boolean phiPresent, List<String> phiKinds) {
        this(chunkId, index, section, text, tokenCount, contentHash, phiPresent, phiKinds, null, null, List.of());
    }

    /** This chunk citing {@code refs}. */
    public Chunk withCites(List<String> refs) {
        return new Chunk(chunkId, index, section, text, tokenCount, contentHash, phiPresent, phiKinds,
                deidentifiedText, citation, refs);
    }

    public Chunk {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(contentHash, "contentHash");
        phiKinds = phiKinds == null ? List.of() : List.copyOf(phiKinds);
        cites = cites == null ? List.of() : List.copyOf(cites);
    }

    @Override
    public String toString() {
        return "Chunk[" + chunkId + ", " + tokenCount + " tokens, phi=" + phiPresent + "]";
    }
}
