package org.ehrflow.chunker.chunking.aggregate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.Section;

/**
 * An encounter told as one story: the Encounter's own sentences first, then its facts in time order (undated
 * facts last, ties by resource reference so re-emission is deterministic). One section whose paragraphs are the
 * facts, so the chunker packs whole facts and splits the story in time order when it exceeds the budget.
 */
public final class EncounterStory {

    public static final String TYPE = "Encounter";
    static final Comparator<Fact> TIME_ORDER = Comparator
            .comparing((Fact f) -> !f.ref().startsWith(TYPE + "/"))
            .thenComparing(f -> f.time() != null ? f.time() : f.date(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Fact::ref);

    private EncounterStory() {
    }

    /** The facts in story order. */
    public static List<Fact> ordered(List<Fact> facts) {
        List<Fact> sorted = new ArrayList<>(facts);
        sorted.sort(TIME_ORDER);
        return sorted;
    }

    /** The chunk header: "Encounter | <date of the encounter or its first fact> | Encounter/<id>". */
    public static ContextHeader header(String encounterId, List<Fact> ordered) {
        String date = ordered.stream().map(Fact::date).filter(d -> d != null && !d.isBlank()).findFirst()
                .map(d -> d.length() > 10 ? d.substring(0, 10) : d).orElse(null);
        return new ContextHeader(TYPE, date, encounterId);
    }

    /** The story as one section of paragraphs, one per fact. */
    public static List<Section> sections(List<Fact> ordered) {
        StringBuilder sb = new StringBuilder();
        for (Fact f : ordered) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(f.text().strip());
        }
        return List.of(new Section(TYPE, sb.toString()));
    }
}
