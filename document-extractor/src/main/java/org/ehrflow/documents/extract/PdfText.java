package org.ehrflow.documents.extract;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.tika.parser.Parser;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.DocumentSection;

/**
 * PDF: the text layer through Tika's PDF parser, one section per page; pages without a text layer (scans,
 * faxes) are rendered with PDFBox and read by OCR, or, in the fast lane, the document is handed to the OCR lane.
 */
final class PdfText {

    private final TikaRunner tika;
    private final ExtractionLimits limits;
    private final OcrPages ocr;
    private final Parser parser;

    /**
     * {@code parser} must come from a Tika configuration (e.g. an {@code AutoDetectParser}), not a bare
     * {@code new PDFParser()}: an uninitialised PDFParser asks whether Tesseract is installed, by starting it, on
     * every parse (measured: 60 ms per document instead of 4).
     */
    PdfText(TikaRunner tika, ExtractionLimits limits, OcrPages ocr, Parser parser) {
        this.tika = tika;
        this.limits = limits;
        this.ocr = ocr;
        this.parser = parser;
    }

    Extraction extract(byte[] data, String attachment) throws DocumentFailure {
        PagedTextHandler handler = new PagedTextHandler(limits.maxPages(), limits.maxChars());
        tika.parse(parser, data, "application/pdf", handler, limits.parseTimeout());
        List<String> pages = handler.pages();
        List<Integer> textless = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            if (visibleChars(pages.get(i), limits.minTextPerPage()) < limits.minTextPerPage()) {
                textless.add(i);
            }
        }
        if (!textless.isEmpty() && ocr == null) {
            return new Extraction.NeedsOcr();
        }
        Map<Integer, DocumentSection> ocred = textless.isEmpty() ? Map.of() : ocrPages(data, textless, attachment);
        List<DocumentSection> sections = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            DocumentSection s = ocred.containsKey(i) ? ocred.get(i)
                    : new DocumentSection(null, pages.get(i), Citation.of(i + 1, i + 1, null, attachment));
            if (!s.text().isBlank()) {
                sections.add(s);
            }
        }
        Map<String, String> md = new TreeMap<>();
        md.put("pages", Integer.toString(pages.size()));
        md.put("ocrPages", Integer.toString(ocred.size()));
        return new Extraction.Extracted(sections, md);
    }

    /** Non-blank characters of {@code text}, counted up to {@code enough}. */
    private static int visibleChars(String text, int enough) {
        int n = 0;
        for (int i = 0; i < text.length() && n < enough; i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    private Map<Integer, DocumentSection> ocrPages(byte[] data, List<Integer> pageIndexes, String attachment)
            throws DocumentFailure {
        Map<Integer, DocumentSection> out = new TreeMap<>();
        try (PDDocument doc = Loader.loadPDF(data)) {
            PDFRenderer renderer = new PDFRenderer(doc);
            for (int i : pageIndexes) {
                BufferedImage img = renderer.renderImageWithDPI(i, limits.ocrDpi(), ImageType.GRAY);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                List<OcrEngine.OcrPage> pages = ocr.recognize(png.toByteArray(), ".png", 1);
                if (!pages.isEmpty()) {
                    out.put(i, ocr.section(pages.get(0), i + 1, attachment));
                }
            }
        } catch (IOException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, e);
        }
        return out;
    }
}
