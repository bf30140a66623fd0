package org.ehrflow.documents.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.DocumentSection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(120)
class DocumentExtractorTest {

    static final TesseractOcr TESSERACT = new TesseractOcr("tesseract", "eng");
    static final DocumentExtractor FAST = new DocumentExtractor(ExtractionLimits.DEFAULTS, null);
    static final DocumentExtractor SLOW = new DocumentExtractor(ExtractionLimits.DEFAULTS, TESSERACT);

    @AfterAll
    static void close() {
        FAST.close();
        SLOW.close();
    }

    static List<DocumentSection> sections(Extraction e) {
        assertThat(e).isInstanceOf(Extraction.Extracted.class);
        return ((Extraction.Extracted) e).sections();
    }

    static String failure(DocumentExtractor x, byte[] data, String type) {
        try {
            x.extract(data, type, null);
        } catch (DocumentFailure f) {
            assertThat(f.getMessage()).doesNotContain("Metformin"); // codes only, never text
            return f.reasonCode();
        }
        throw new AssertionError("no failure");
    }

    @Test
    void textLayerPdfGivesOneCitedSectionPerPage() throws Exception {
        byte[] pdf = Fixtures.textPdf(List.of("DISCHARGE SUMMARY\nPatient admitted with chest pain.",
                "MEDICATIONS:\nMetformin 500 mg twice daily."));
        List<DocumentSection> s = sections(FAST.extract(pdf, "application/pdf", "content[0]"));
        assertThat(s).hasSize(2);
        assertThat(s.get(0).text()).contains("chest pain");
        assertThat(s.get(0).citation().pageStart()).isEqualTo(1);
        assertThat(s.get(1).text()).contains("Metformin 500 mg");
        assertThat(s.get(1).citation()).satisfies(c -> {
            assertThat(c.pageStart()).isEqualTo(2);
            assertThat(c.pageEnd()).isEqualTo(2);
            assertThat(c.ocr()).isFalse();
            assertThat(c.attachment()).isEqualTo("content[0]");
        });
    }

    @Test
    void pdfDeclaredAsOctetStreamIsStillAPdf() throws Exception {
        byte[] pdf = Fixtures.textPdf(List.of("Plan: follow up in two weeks."));
        assertThat(sections(FAST.extract(pdf, "application/octet-stream", null)).get(0).text()).contains("two weeks");
    }

    @Test
    void encryptedPdfIsDocumentEncrypted() throws Exception {
        assertThat(failure(FAST, Fixtures.encryptedPdf("Metformin"), "application/pdf"))
                .isEqualTo(ReasonCodes.DOCUMENT_ENCRYPTED);
    }

    @Test
    void truncatedPdfIsDocumentCorrupt() throws Exception {
        byte[] pdf = Fixtures.textPdf(List.of("Metformin 500 mg", "page two", "page three"));
        assertThat(failure(FAST, Fixtures.truncated(pdf), "application/pdf")).isEqualTo(ReasonCodes.DOCUMENT_CORRUPT);
    }

    @Test
    void docxParagraphs() throws Exception {
        byte[] docx = Fixtures.docx(List.of("ASSESSMENT:", "Community-acquired pneumonia, improving."));
        String text = sections(FAST.extract(docx,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", null)).get(0).text();
        assertThat(text).contains("ASSESSMENT:").contains("Community-acquired pneumonia, improving.");
    }

    @Test
    void rtfEvenWhenLabelledPlainText() throws Exception {
        String rtf = "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 HISTORY:\\par Caf\\'e9 worker with "
                + "cough.\\par}";
        String text = sections(FAST.extract(rtf.getBytes(StandardCharsets.US_ASCII), "text/plain", null)).get(0).text();
        assertThat(text).contains("HISTORY:").contains("Café worker with cough.").doesNotContain("fonttbl");
    }

    @ParameterizedTest(name = "{0} declared as [{1}]")
    @CsvSource(delimiter = '|', value = {
        // charset of the bytes | declared content type                 | meta charset in the HTML
        "windows-1252 | text/html                            | windows-1252",
        "windows-1252 | text/html; charset=UTF-8             | windows-1252", // wrong transport label, right <meta>
        "windows-1252 | text/html; charset=iso-8859-1        | ''",          // ISO-8859-1 read as windows-1252
        "UTF-8        | text/html                            | ''",
        "Shift_JIS    | text/html; charset=Shift_JIS         | ''",
        "UTF-16LE     | text/html                            | ''",          // BOM added below
    })
    void htmlCharsetFromBomTransportMetaOrSniff(String charset, String declared, String meta) throws Exception {
        String body = charset.equals("Shift_JIS") ? "検査結果 正常" : "Newborn screen – café “normal”";
        String html = "<html><head>" + (meta.isEmpty() ? "" : "<meta charset=\"" + meta + "\">")
                + "<title>x</title></head><body><h2>Results</h2><table><tr><th>Test</th><th>Result</th></tr>"
                + "<tr><td>PKU</td><td>" + body + "</td></tr></table></body></html>";
        byte[] bytes = html.getBytes(Charset.forName(charset));
        if (charset.equals("UTF-16LE")) {
            byte[] bom = {(byte) 0xff, (byte) 0xfe};
            byte[] all = new byte[bytes.length + 2];
            System.arraycopy(bom, 0, all, 0, 2);
            System.arraycopy(bytes, 0, all, 2, bytes.length);
            bytes = all;
        }
        String text = sections(FAST.extract(bytes, declared, null)).get(0).text();
        assertThat(text).contains("## Results").contains("Test: PKU; Result: " + body);
    }

    @Test
    void plainTextInADeclaredCharset() throws Exception {
        byte[] latin = "Température 38,5 °C".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(sections(FAST.extract(latin, "text/plain; charset=ISO-8859-1", null)).get(0).text())
                .isEqualTo("Température 38,5 °C");
        // No label and not UTF-8: sniffed, windows-1252 at worst; never a decode error.
        assertThat(sections(FAST.extract(latin, null, null)).get(0).text()).contains("Temp");
    }

    @Test
    void limitsGiveCodedFailures() throws Exception {
        ExtractionLimits tiny = new ExtractionLimits(1000, 1, 50, Duration.ofSeconds(30), Duration.ofSeconds(30),
                300, 60, 16);
        try (DocumentExtractor x = new DocumentExtractor(tiny, null)) {
            assertThat(failure(x, new byte[2000], "text/plain")).isEqualTo(ReasonCodes.DOCUMENT_TOO_LARGE);
            byte[] twoPages = Fixtures.textPdf(List.of("page one", "page two"));
            ExtractionLimits pages = new ExtractionLimits(1_000_000, 1, 1000, Duration.ofSeconds(30),
                    Duration.ofSeconds(30), 300, 60, 16);
            try (DocumentExtractor y = new DocumentExtractor(pages, null)) {
                assertThat(failure(y, twoPages, "application/pdf")).isEqualTo(ReasonCodes.DOCUMENT_TOO_LARGE);
            }
            assertThat(failure(x, "x".repeat(60).getBytes(StandardCharsets.US_ASCII), "text/plain"))
                    .isEqualTo(ReasonCodes.DOCUMENT_TOO_LARGE);
            // 10 MB of zeros gzip to ~10 KB; unpacked it is over the byte limit: a bomb, stopped while reading.
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(new byte[10_000_000]);
            }
            ExtractionLimits big = new ExtractionLimits(1_000_000, 5, 1000, Duration.ofSeconds(30),
                    Duration.ofSeconds(30), 300, 60, 16);
            try (DocumentExtractor y = new DocumentExtractor(big, null)) {
                assertThat(failure(y, gz.toByteArray(), "text/plain")).isEqualTo(ReasonCodes.DOCUMENT_TOO_LARGE);
            }
        }
    }

    @Test
    void aHighlyCompressedDocxIsTooLargeNotCorrupt() throws Exception {
        // 3 M identical characters zip to a few KB: Tika's zip-bomb guard or our character limit stops it.
        byte[] bomb = Fixtures.docx(List.of("a".repeat(3_000_000)));
        assertThat(bomb.length).isLessThan(100_000);
        ExtractionLimits roomy = new ExtractionLimits(10_000_000, 10, 2_500_000, Duration.ofSeconds(60),
                Duration.ofSeconds(30), 300, 60, 16);
        try (DocumentExtractor x = new DocumentExtractor(roomy, null)) {
            assertThat(failure(x, bomb, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
                    .isEqualTo(ReasonCodes.DOCUMENT_TOO_LARGE);
        }
    }

    @Test
    void unsupportedTypeCarriesItsMimeType() {
        byte[] noise = new byte[512];
        new Random(1).nextBytes(noise);
        DocumentFailure f = org.junit.jupiter.api.Assertions.assertThrows(DocumentFailure.class,
                () -> FAST.extract(noise, "application/dicom", null));
        assertThat(f.reasonCode()).isEqualTo(ReasonCodes.DOCUMENT_UNSUPPORTED_TYPE);
        assertThat(f.mimeType()).isEqualTo("application/dicom");
    }

    @Test
    void malformedCcdaIsCorruptAndNeverPrintsItsText() {
        byte[] xml = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Metformin".getBytes(StandardCharsets.UTF_8);
        assertThat(failure(FAST, xml, "text/xml")).isEqualTo(ReasonCodes.DOCUMENT_CORRUPT);
        byte[] xxe = ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&e;</title></ClinicalDocument>")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(failure(FAST, xxe, "text/xml")).isEqualTo(ReasonCodes.DOCUMENT_CORRUPT);
    }

    @Test
    void scansNeedTheSlowLaneAndAreReadThere() throws Exception {
        byte[] pdf = Fixtures.scannedPdf(List.of("PATHOLOGY REPORT\nBenign fibroadenoma of the left breast."), 7);
        assertThat(FAST.extract(pdf, "application/pdf", null)).isInstanceOf(Extraction.NeedsOcr.class);
        assertThat(FAST.extract(Fixtures.png(Fixtures.scan("x", 1)), "image/png", null))
                .isInstanceOf(Extraction.NeedsOcr.class);
        assumeTrue(TESSERACT.available(), "tesseract is not installed (scripts/setup.sh installs it)");
        List<DocumentSection> s = sections(SLOW.extract(pdf, "application/pdf", null));
        assertThat(s).hasSize(1);
        assertThat(s.get(0).text()).containsIgnoringCase("fibroadenoma");
        assertThat(s.get(0).citation().ocr()).isTrue();
        assertThat(s.get(0).citation().pageStart()).isEqualTo(1);
        assertThat(s.get(0).citation().ocrConfidence()).isGreaterThan(60.0);
        assertThat(s.get(0).citation().lowConfidence()).isFalse();
    }

    @Test
    void imagesAndMultiPageTiffAreReadPageByPage() throws Exception {
        assumeTrue(TESSERACT.available(), "tesseract is not installed (scripts/setup.sh installs it)");
        byte[] tiff = Fixtures.tiff(List.of(Fixtures.scan("Page one: hemoglobin 13.2", 1),
                Fixtures.scan("Page two: platelets normal", 2)));
        List<DocumentSection> s = sections(SLOW.extract(tiff, "image/tiff", "Binary/scan-1"));
        assertThat(s).extracting(x -> x.citation().pageStart()).containsExactly(1, 2);
        assertThat(s.get(1).text()).contains("platelets");
        assertThat(s.get(1).citation().attachment()).isEqualTo("Binary/scan-1");
        byte[] jpeg = Fixtures.jpeg(Fixtures.scan("Impression: no acute fracture", 3));
        assertThat(sections(SLOW.extract(jpeg, "image/jpeg", null)).get(0).text()).contains("fracture");
    }

    @Test
    void ocrTimeoutIsCoded() throws Exception {
        assumeTrue(TESSERACT.available(), "tesseract is not installed (scripts/setup.sh installs it)");
        ExtractionLimits quick = new ExtractionLimits(10_000_000, 10, 100_000, Duration.ofSeconds(30),
                Duration.ofMillis(1), 300, 60, 16);
        try (DocumentExtractor x = new DocumentExtractor(quick, TESSERACT)) {
            assertThat(failure(x, Fixtures.png(Fixtures.scan("Metformin", 1)), "image/png"))
                    .isEqualTo(ReasonCodes.OCR_TIMEOUT);
        }
    }
}
