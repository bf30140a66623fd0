package org.ehrflow.chunker.chunking.aggregate;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.schemas.Chunk;

/**
 * Which facts each chunk of an aggregate (encounter story, patient summary) states, so an answer can cite the exact
 * Observation or MedicationRequest instead of the whole encounter. Aggregates are packed from whole fact paragraphs;
 * a fact longer than the budget is split across chunks, so a chunk cites a fact when it holds the fact's opening or
 * closing words.
 */
public final class FactCitations {

    /** Characters of a fact's start or end that identify it inside a chunk. */
    static final int PROBE = 40;

    private FactCitations() {
    }

    public static List<Chunk> cite(List<Chunk> chunks, List<Fact> facts) {
        List<Chunk> out = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            List<String> refs = new ArrayList<>();
            for (Fact f : facts) {
                String t = f.text().strip();
                String head = t.substring(0, Math.min(PROBE, t.length()));
                String tail = t.substring(Math.max(0, t.length() - PROBE));
                if (!t.isEmpty() && (c.text().contains(head) || c.text().contains(tail)) && !refs.contains(f.ref())) {
                    refs.add(f.ref());
                }
            }
            out.add(c.withCites(refs));
        }
        return out;
    }
}
