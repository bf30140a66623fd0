package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextCleanerTest {

    @Test
    void neverUnescapesHl7TextASecondTime() {
        // The normaliser turned "\E\T\E\" into "\T\" already; a second unescape would make it "&".
        String once = "Escape shown literally: \\T\\ and C:\\path \\X41\\";
        assertThat(TextCleaner.clean(once)).isEqualTo(once);
    }

    @Test
    void joinsSoftWrappedLinesButNotListItemsOrHeaders() {
        // Synthea wraps the patient's name onto its own line and indents continuation sentences.
        String raw = "# History of Present Illness\nJane1 Doe2\n is a 63 year-old female.\n"
                + "Patient is married.\n Patient has never smoked.\n\n\n\n- item one\n- item two\n"
                + "Plan:\ncontinue therapy";
        assertThat(TextCleaner.clean(raw)).isEqualTo("# History of Present Illness\n"
                + "Jane1 Doe2 is a 63 year-old female.\nPatient is married. Patient has never smoked.\n\n"
                + "- item one\n- item two\nPlan:\ncontinue therapy");
    }

    @Test
    void normalisesWhitespaceAndLineEndings() {
        String raw = "  BP\t120/80 \u00A0 HR  72\r\nSpO2 98%\r\rTemp 37.2\u200B  ";
        assertThat(TextCleaner.clean(raw)).isEqualTo("BP 120/80 HR 72\nSpO2 98%\n\nTemp 37.2");
    }

    @Test
    void convertsHtmlToTextWithHeadingsAndListItems() {
        String html = "<html><head><title>x</title><style>p{}</style></head><body>"
                + "<h2>Assessment</h2><p>Stable &amp; improving,\n  T&nbsp;37&#176;C.</p>"
                + "<ul><li>aspirin</li><li>statin</li></ul><!-- hidden --></body></html>";
        String text = TextCleaner.clean(HtmlText.toText(html));
        assertThat(text).isEqualTo("## Assessment\n\nStable & improving, T 37°C.\n\n- aspirin\n- statin");
    }
}
