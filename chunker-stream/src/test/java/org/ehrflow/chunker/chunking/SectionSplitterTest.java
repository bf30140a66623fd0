package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ehrflow.chunker.chunking.model.Section;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SectionSplitterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HISTORY OF PRESENT ILLNESS:|HISTORY OF PRESENT ILLNESS", // dictated, all caps with colon
        "Chief Complaint|Chief Complaint",                         // bare known name
        "# Assessment and Plan|Assessment and Plan",               // Synthea markdown
        "## Plan|Plan",
        "ROS|ROS",
        "Physical Exam:|Physical Exam",
        "**Medications**|Medications",                            // bold markup
        "allergies|allergies",                                    // any case
        "IMPRESSION|IMPRESSION",
        "Assessment & Plan:|Assessment & Plan",
        "HOSPITAL COURSE:|HOSPITAL COURSE",
        "DISCHARGE CONDITION:|DISCHARGE CONDITION"})
    void recognisesHeaders(String line, String name) {
        assertThat(SectionHeaders.match(line)).hasValueSatisfying(h -> {
            assertThat(h.name()).isEqualTo(name);
            assertThat(h.inlineText()).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"BP: 120/80", "Temp: 37.2", "Patient is stable.", "- aspirin 81 mg",
        "No Known Allergies.", "The plan is to continue", "Note: called pharmacy", "1990-10-27", ""})
    void leavesOrdinaryLinesAlone(String line) {
        assertThat(SectionHeaders.match(line)).isEmpty();
    }

    @Test
    void knownLabelWithInlineTextStartsASection() {
        assertThat(SectionHeaders.match("Plan: continue metformin")).hasValueSatisfying(h -> {
            assertThat(h.name()).isEqualTo("Plan");
            assertThat(h.inlineText()).isEqualTo("continue metformin");
        });
    }

    @Test
    void splitsAtHeadersDropsEmptySectionsAndABareDatePreamble() {
        String text = "1990-10-27\n\n# Chief Complaint\n- Cough\n\n# Assessment and Plan\n\n## Plan\n"
                + "Rest and fluids.\n\nFollow up in 1 week.\nIMPRESSION: viral bronchitis";
        List<Section> sections = SectionSplitter.split(text);
        assertThat(sections).containsExactly(
                new Section("Chief Complaint", "- Cough"),
                new Section("Plan", "Rest and fluids.\n\nFollow up in 1 week."),
                new Section("IMPRESSION", "viral bronchitis"));
    }

    @Test
    void keepsTextBeforeTheFirstHeaderWhenItHasWords() {
        assertThat(SectionSplitter.split("Seen in clinic today.\nPLAN:\nRest."))
                .containsExactly(new Section(null, "Seen in clinic today."), new Section("PLAN", "Rest."));
    }
}
