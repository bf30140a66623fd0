package org.ehrflow.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The escape rules of HL7 v2.5.1 section 2.7, one assertion per kind. */
class Hl7EscapesTest {

    private static final Delimiters D = Delimiters.DEFAULT;

    @Test
    void delimiterEscapesGiveTheDelimiters() {
        assertThat(Hl7Escapes.unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", D)).isEqualTo("a|b^c&d~e\\f");
    }

    @Test
    void formattingHexAndHighlighting() {
        assertThat(Hl7Escapes.unescape("l1\\.br\\l2\\.sp 2\\l3", D)).isEqualTo("l1\nl2\n\nl3");
        assertThat(Hl7Escapes.unescape("\\H\\bold\\N\\ \\.in+4\\x", D)).isEqualTo("bold x");
        assertThat(Hl7Escapes.unescape("A\\X41\\1 \\Xc3a9\\ \\XE9\\", D)).isEqualTo("AA1 é é"); // UTF-8, else Latin-1
    }

    @Test
    void charsetAndLocalEscapesStayAndAreCounted() {
        String raw = "x\\C2842\\y\\M2442\\z\\Zfoo\\";
        assertThat(Hl7Escapes.unescape(raw, D)).isEqualTo(raw);
        assertThat(Hl7Escapes.charsetEscapes(raw, D)).isEqualTo(2);
    }

    @Test
    void loneOrUnknownEscapeCharactersAreData() {
        assertThat(Hl7Escapes.unescape("C:\\path \\X41\\", D)).isEqualTo("C:\\path A");
        assertThat(Hl7Escapes.unescape("end\\", D)).isEqualTo("end\\");
    }

    @Test
    void nonStandardDelimitersAndTheTruncationCharacter() {
        Delimiters d = Delimiters.of('#', "$%!*@"); // component $, repetition %, escape !, subcomponent *, truncation @
        assertThat(d.truncation()).isEqualTo('@');
        assertThat(Hl7Escapes.unescape("a!S!b!F!c!E!d!P!", d)).isEqualTo("a$b#c!d@");
        assertThat(Hl7Escapes.escape("a$b#c!d@", d)).isEqualTo("a!S!b!F!c!E!d!P!");
        assertThat(Delimiters.of('|', "^^\\&")).isNull(); // a character twice
        assertThat(Delimiters.of('|', "^~\\&#x")).isNull(); // more than five
        assertThat(Delimiters.of('|', "^~").escapes()).isFalse();
    }
}
