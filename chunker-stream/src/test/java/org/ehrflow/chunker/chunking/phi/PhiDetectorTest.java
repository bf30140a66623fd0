package org.ehrflow.chunker.chunking.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhiDetectorTest {

    private static final String PK = "pk_00000000000000000000000000000001";
    private final PhiDetector detector = PhiDetector.patternsOnly();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Seen on 2023-04-05 for follow-up|DATE",
        "Admitted 4/5/2023.|DATE",
        "Discharged March 3, 2021|DATE",
        "Call (555) 123-4567 with results|PHONE",
        "Phone: 555.123.4567|PHONE",
        "Contact jane.doe@example.org|EMAIL",
        "SSN 123-45-6789 on file|IDENTIFIER",
        "MRN: 00123456|IDENTIFIER",
        "Account # A-99812 billed|IDENTIFIER",
        "See https://portal.example.org/x|URL",
        "Lives at 42 Elm Street with family|ADDRESS",
        "Springfield, MA 01101|ADDRESS",
        "A 93 year-old woman|AGE_OVER_89",
        "aged 91, frail|AGE_OVER_89",
        "Discussed with Dr. Smith|NAME",
        "Mrs. Jones reports pain|NAME",
        "Patient name: Alice|NAME"})
    void findsEachKind(String text, PhiKind kind) {
        assertThat(detector.detect(text, PK)).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BP 120/80, HR 72, glucose 5.4 mmol/L.",
        "A 63 year-old nonhispanic white female.",
        "Patient identifies as heterosexual.",
        "Leukocytes: 5.95 10*3/uL. Diastolic Blood Pressure 83.15 mm[Hg].",
        "1 ml tacrolimus 5 mg/ml injection",
        "Medication request: Fexofenadine hydrochloride 30 MG Oral Tablet. Status: active."})
    void ordinaryClinicalTextHasNoPhi(String text) {
        assertThat(detector.detect(text, PK)).isEmpty();
    }

    @Test
    void namesFromAPatientAwareSourceAreFound() {
        PhiDetector aware = new PhiDetector(key -> key.equals(PK) ? Set.of("Marine542", "Ai120") : Set.of());
        assertThat(aware.detect("Marine542 Ai120 is a 63 year-old female.", PK)).containsExactly(PhiKind.NAME);
        assertThat(aware.detect("Marine542 Ai120 is a 63 year-old female.", "pk_other")).isEmpty();
        // Name parts are matched as whole words only.
        assertThat(new PhiDetector(key -> Set.of("Ann")).detect("Annual review.", PK)).isEmpty();
    }
}
