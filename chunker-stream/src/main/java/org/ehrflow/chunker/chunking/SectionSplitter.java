package org.ehrflow.chunker.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ehrflow.chunker.chunking.model.Section;

/** Splits cleaned note text at clinical section headers (see {@link SectionHeaders}). */
public final class SectionSplitter {

    private SectionSplitter() {
    }

    /**
     * Sections in document order. Empty sections (a heading directly followed by a sub-heading) are dropped, and
     * so is text before the first header that has no letter in it (Synthea notes open with a bare date line,
     * which the chunk header already carries).
     */
    public static List<Section> split(String cleaned) {
        List<Section> out = new ArrayList<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : cleaned.split("\n", -1)) {
            Optional<SectionHeaders.Header> h = SectionHeaders.match(line);
            if (h.isPresent()) {
                add(out, name, body);
                name = h.get().name();
                body.setLength(0);
                body.append(h.get().inlineText());
            } else {
                if (body.length() > 0 || !line.isBlank()) {
                    body.append('\n').append(line);
                }
            }
        }
        add(out, name, body);
        return out;
    }

    private static void add(List<Section> out, String name, StringBuilder body) {
        String text = body.toString().strip().replaceAll("\n{3,}", "\n\n");
        if (text.isEmpty() || (name == null && text.chars().noneMatch(Character::isLetter))) {
            return;
        }
        out.add(new Section(name, text));
    }
}
