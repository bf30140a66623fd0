package org.ehrflow.listener.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Hl7CharsetsTest {

    @Test
    void charsetNamesMapToJavaCharsets() {
        assertThat(Hl7Charsets.forName("8859/1")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("ISO-8859-1"));
        assertThat(Hl7Charsets.forName("8859/15")).hasValueSatisfying(c
                -> assertThat(c.name()).isEqualTo("ISO-8859-15"));
        assertThat(Hl7Charsets.forName("ASCII")).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("US-ASCII"));
        assertThat(Hl7Charsets.forName("UNICODE UTF-8")).hasValueSatisfying(c
                -> assertThat(c.name()).isEqualTo("UTF-8"));
        assertThat(Hl7Charsets.forName("UNICODE UTF-16")).isEmpty();
        assertThat(Hl7Charsets.forName("ISO IR87")).isEmpty();
    }
}
