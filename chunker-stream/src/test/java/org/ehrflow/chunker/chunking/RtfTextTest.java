package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.junit.jupiter.api.Test;

class RtfTextTest {

    // A typical word-processor note: font and colour tables, an \* destination, hex and Unicode escapes.
    private static final String RTF = "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Calibri;}}{\\colortbl;\\red0\\green0\\blue0;}"
            + "{\\*\\generator Riched20 10.0;}\\viewkind4\\uc1\\pard\\f0\\fs22 {\\b HISTORY OF PRESENT ILLNESS:}\\par\n"
            + "Caf\\'e9 worker with cough for 3 days.\\line No fever.\\par\n"
            + "\\par\nPLAN:\\par\nRecheck in 1 week \\u8212? sooner if worse. Braces \\{ok\\} and \\\\ slash.\\par\n}";

    @Test
    void stripsControlWordsAndSkippedDestinationsAndDecodesEscapes() {
        String text = RtfText.toText(RTF);
        assertThat(text).contains("HISTORY OF PRESENT ILLNESS:\nCafé worker with cough for 3 days.\nNo fever.")
                .contains("Recheck in 1 week \u2014 sooner if worse. Braces {ok} and \\ slash.")
                .doesNotContain("Calibri").doesNotContain("Riched20").doesNotContain("\\par").doesNotContain("red0");
        assertThat(RtfText.isRtf(RTF)).isTrue();
    }

    @Test
    void anRtfAttachmentIsChunkedAtItsSections() {
        String b64 = Base64.getEncoder().encodeToString(RTF.getBytes(StandardCharsets.US_ASCII));
        String json = "{\"resourceType\":\"DocumentReference\",\"id\":\"rtf-1\",\"status\":\"current\","
                + "\"type\":{\"text\":\"Progress note\"},\"content\":[{\"attachment\":{\"contentType\":\"text/rtf\","
                + "\"data\":\"" + b64 + "\"}}]}";
        ChunkSet set = ((ChunkResult.Mapped) TestSupport.chunker()
                .chunk(TestSupport.upsert("DocumentReference", "rtf-1", json))).set();
        assertThat(set.chunks()).extracting(Chunk::section).containsExactly("HISTORY OF PRESENT ILLNESS", "PLAN");
        assertThat(set.chunks().get(0).text()).contains("Café worker");
    }
}
