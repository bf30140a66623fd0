package org.ehrflow.documents.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.documents.extract.DocumentExtractor;
import org.ehrflow.documents.extract.ExtractionLimits;
import org.ehrflow.documents.extract.TesseractOcr;
import org.ehrflow.schemas.DocumentSection;
import org.ehrflow.schemas.DocumentText;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.PatientKey;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.ehrflow.schemas.SourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared corpus of clinical documents as a regression suite: every file becomes cited sections or a
 * coded rejection we can defend (the table in the README is this test's output). Files arrive as a
 * DocumentReference with the file inline (the JSON file is a DocumentReference already).
 */
@Timeout(300)
class CorpusDocumentsTest {

    static final Path DOCS = Files.isDirectory(Path.of("..", "..", "shared", "corpus", "documents"))
            ? Path.of("..", "..", "shared", "corpus", "documents") : Path.of("..", "shared", "corpus", "documents");
    static final TesseractOcr OCR = new TesseractOcr("tesseract", "eng");
    static final DocumentExtractor EXTRACTOR = new DocumentExtractor(ExtractionLimits.DEFAULTS, OCR);
    static final Provenance PROV = Provenance.atIngress(SourceType.FHIR, "corpus", "m1", null, Instant.EPOCH);

    @AfterAll
    static void close() {
        EXTRACTOR.close();
    }

    static FhirRecord record(Path f) throws Exception {
        String name = f.getFileName().toString();
        String json;
        if (name.endsWith(".json")) {
            json = Files.readString(f);
        } else {
            String type = name.endsWith(".xml") ? "application/hl7-v3+xml"
                    : name.endsWith(".pdf") ? "application/pdf" : "image/png";
            json = "{\"resourceType\":\"DocumentReference\",\"status\":\"current\",\"content\":[{\"attachment\":"
                    + "{\"contentType\":\"" + type + "\",\"data\":\""
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(f)) + "\"}}]}";
        }
        return new FhirRecord(PatientKey.of("corpus", name), RecordOp.UPSERT, "DocumentReference", "d1", "1", null,
                json, PROV);
    }

    @Test
    void everyCorpusDocumentBecomesCitedSectionsOrACodedRejection() throws Exception {
        assumeTrue(OCR.available(), "tesseract is not installed (scripts/setup.sh installs it)");
        DocumentMapper mapper = new DocumentMapper(EXTRACTOR, AttachmentSource.NONE);
        List<Path> files;
        try (Stream<Path> s = Files.list(DOCS)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSize(24);
        System.out.println("| file | outcome | sections | cited by | chars |");
        System.out.println("|---|---|---|---|---|");
        for (Path f : files) {
            String name = f.getFileName().toString();
            MappingResult r = mapper.map(record(f));
            if (name.equals("ccda_unstructured_pdfref_msfhirconv_01.xml")) {
                // The body is only a relative file name ("UD_sample.pdf") the sender did not include.
                assertThat(r).isEqualTo(new MappingResult.Rejected(ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE,
                        null, null));
                System.out.println("| " + name + " | rejected " + ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE
                        + " | | | |");
                continue;
            }
            assertThat(r).as(name).isInstanceOf(MappingResult.Mapped.class);
            DocumentText d = ((MappingResult.Mapped) r).document();
            List<DocumentSection> sections = d.sections();
            assertThat(sections).as(name).isNotEmpty();
            int chars = sections.stream().mapToInt(s -> s.text().length()).sum();
            String cited;
            if (name.startsWith("ccda_") && !name.contains("unstructured")) {
                assertThat(sections).as(name).allSatisfy(s -> assertThat(s.title()).isNotBlank());
                assertThat(sections.stream().filter(s -> s.citation().sectionCode() != null).count())
                        .as(name).isGreaterThan(sections.size() / 2);
                assertThat(d.noteType()).as(name).isNotBlank();
                cited = "section title + code (" + sections.stream()
                        .filter(s -> s.citation().sectionCode() != null
                                && s.citation().sectionCode().startsWith("LOINC|")).count() + " LOINC)";
            } else {
                assertThat(sections).as(name).allSatisfy(s -> assertThat(s.citation().pageStart()).isNotNull());
                boolean ocr = sections.stream().anyMatch(s -> s.citation().ocr());
                cited = "page" + (ocr ? " (OCR, confidence " + sections.get(0).citation().ocrConfidence() + ")" : "")
                        + (sections.get(0).citation().attachment() != null
                        ? ", " + sections.get(0).citation().attachment() : "");
            }
            assertThat(chars).as(name).isGreaterThan(100);
            System.out.println("| " + name + " | extracted | " + sections.size() + " | " + cited + " | " + chars
                    + " |");
        }
    }
}
