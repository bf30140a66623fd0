package org.ehrflow.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java tokenizer against the native one it stands in for (DJL HuggingFace, the reference): same counts and
 * same spans on every handled character, tricky strings, random strings and every text of the shared corpus.
 */
class WordPieceTokenizerTest {

    private static final Path CORPUS = Files.isDirectory(Path.of("..", "..", "shared", "corpus"))
            ? Path.of("..", "..", "shared", "corpus") : Path.of("..", "shared", "corpus");
    private static final Pattern BASE64_DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"");

    private static ModelTokenizer reference;
    private static WordPieceTokenizer fast;

    @BeforeAll
    static void load() {
        reference = ModelTokenizer.load(ModelVariant.INT8);
        fast = WordPieceTokenizer.over(reference);
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    @Test
    void everyHandledCharacterTokenizesAsTheNativeTokenizerDoes() {
        int handled = 0;
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String s = String.valueOf(c);
            if (!fast.handles(s)) {
                continue;
            }
            handled++;
            // Alone, inside a word, between words, after an accented word, and next to punctuation.
            for (String text : List.of(s, "ab" + s + "cd", "Ab " + s + " cd.", "é" + s + "x y", "(" + s + s + ")")) {
                assertSame(text);
            }
            for (char n : BertText.normalized(c)) {
                assertThat(fast.handles(String.valueOf(n))).as("normalised U+%04X", (int) n).isTrue();
            }
        }
        assertThat(handled).isGreaterThan(0x370 + 0x70 - 10); // all but a few whose lowercase is elsewhere
    }

    @Test
    void trickyStringsTokenizeAsTheNativeTokenizerDoes() {
        List<String> handledHere = List.of(
                "", " ", "\n\n\t ", "Hello, World!", "naïve café RÉSUMÉ Ångström Øre ß straße Ǆemal İstanbul",
                "e\u0301te\u0301 decomposed accents", "ctrl\u0000\u0001\u0007\u000B\u000C\u001F\u007F\u0085end",
                "zero\u200Bwidth\u200Cjoin\u200D\u2060 bom\uFEFFmid \uFFFDreplaced", "nbsp\u00A0thin\u2009ideo"
                        + "\u205Fmath\u2028line\u2029para\u202Fnarrow", "«quotes» “curly” ‘single’ — dash – en … ‰ † •",
                "!!!???...,,,;;;:::---___***###@@@$$$%%%^^^&&&(((]]]{{{}}}|||~~~```''\"\"<<<>>>+++===///\\\\\\",
                "BP 120/80 mmHg, HR 72 bpm, SpO2 98%, temp 37.2°C, 1,234.5678 mg, 10^9/L, 3.14e-10, ±2 ×3 ÷4",
                "a".repeat(99), "a".repeat(100), "b".repeat(101), "x".repeat(400), "antidisestablishmentarianism",
                "pneumonoultramicroscopicsilicovolcanoconiosis hypercholesterolemia ##abc ## #",
                "[cls] [Sep] [MASK [UNK", "Ⅳ ½ ² ﬁ µ", "tab\there\r\nwin\rmac", "   leading and trailing   ",
                "qqqqzzzz xkcdqwv ŋŧ ʃʒ ˈstres ˌsecondary", "MSH|^~\\&|SEND|FAC|20240101||ADT^A01|MSG1|P|2.5.1");
        for (String text : handledHere) {
            assertSame(text);
        }
        assertThat(handledHere.stream().filter(fast::handles).count()).isGreaterThanOrEqualTo(handledHere.size() - 1);
        // Special-token literals, other scripts, CJK and emoji go to the native tokenizer, with the same results.
        List<String> native_ = List.of("[CLS] x [SEP]", "a[MASK]b", "日本語のテキスト 漢字", "Ελληνικά ΣΊΣΥΦΟΣ Кириллица",
                "emoji 😀👍🏽 family 👨‍👩‍👧 flag 🇫🇷", "한국어 텍스트", "mixed café 東京 ok", "\uD800 lone surrogate",
                "arabic مرحبا hebrew שלום", "Kelvin \u212A ohm \u2126 angstrom \u212B");
        for (String text : native_) {
            assertThat(fast.handles(text)).as(text).isFalse();
            assertSame(text);
        }
    }

    @Test
    void randomStringsOverHandledCharactersTokenizeAsTheNativeTokenizerDoes() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     \n\t.,;:!?-()[]/'\"#&"
                + "éèêëàâäîïôöùûüçñÉÀÇÑßøæœ\u0301\u0308\u00A0\u2009\u2013\u2014\u201C\u201D\u2026\u200B\u0000\u00AD";
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(300);
            for (int j = 0; j < length; j++) {
                sb.append(random.nextInt(10) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : alphabet.charAt(random.nextInt(26)));
            }
            assertSame(sb.toString());
        }
    }

    @Test
    void everySharedCorpusTextTokenizesAsTheNativeTokenizerDoes() throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CORPUS)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String content;
                try {
                    content = Files.readString(f, StandardCharsets.UTF_8);
                } catch (CharacterCodingException binary) {
                    continue; // a PDF or an image among the documents: no text to tokenize as it is
                }
                texts.addAll(blocks(content));
                Matcher m = BASE64_DATA.matcher(content);
                while (m.find()) {
                    // Whole notes (FHIR attachments: plain text, HTML, RTF), however long.
                    texts.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(texts).hasSizeGreaterThan(5000);
        long handled = 0;
        for (String text : texts) {
            // Spans (their count is the content count); [CLS]/[SEP] counting is covered by the tests above.
            assertThat(fast.spans(text)).as("spans of %s", escaped(text)).isEqualTo(reference.spans(text));
            handled += fast.handles(text) ? 1 : 0;
        }
        System.out.printf("corpus tokenizer check: %d texts, %d handled in Java%n", texts.size(), handled);
        assertThat(handled).isGreaterThan(texts.size() * 99L / 100);
    }

    // Runs of lines up to ~1,500 characters: about a chunk's worth of text each.
    private static List<String> blocks(String content) {
        List<String> out = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        for (String line : content.split("(?<=\n)|(?<=\r)(?!\n)")) {
            block.append(line);
            if (block.length() > 1500) {
                out.add(block.toString());
                block.setLength(0);
            }
        }
        if (!block.isEmpty()) {
            out.add(block.toString());
        }
        return out;
    }

    private static void assertSame(String text) {
        List<ModelTokenizer.TokenSpan> expected = reference.spans(text);
        assertThat(fast.spans(text)).as("spans of %s", escaped(text)).isEqualTo(expected);
        assertThat(fast.contentTokens(text)).as("content tokens of %s", escaped(text)).isEqualTo(expected.size());
        assertThat(fast.countTokens(text)).as("tokens of %s", escaped(text)).isEqualTo(reference.countTokens(text));
    }

    private static String escaped(String text) {
        StringBuilder sb = new StringBuilder();
        String head = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        head.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c)
                : String.valueOf((char) c)));
        return sb.toString();
    }
}
