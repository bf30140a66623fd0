package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.CompositeParser;
import org.apache.tika.parser.Parser;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.DocumentSection;

/**
 * One document's bytes in, citable text sections out: sniffs what the bytes are ({@link ContentSniffer}) and
 * hands them to the reader for that kind: {@link CharsetDecoder} for plain text, {@link HtmlRenderer} for HTML,
 * {@link CcdaText} for C-CDA, {@link PdfText} for PDF, {@link ImageText} (OCR) for scans, Tika's auto-detecting
 * parser for the rest (DOCX, DOC, RTF, ODT, ...). Without an {@link OcrEngine} (the fast lane) anything that
 * needs OCR comes back as {@link Extraction.NeedsOcr}. Pure: no Kafka, no network. Thread-safe; close it to
 * release the parse threads.
 */
public final class DocumentExtractor implements AutoCloseable {

    private final ExtractionLimits limits;
    private final ContentSniffer sniffer = new ContentSniffer();
    private final TikaRunner tika = new TikaRunner();
    private final Parser autoDetect = new AutoDetectParser();
    private final PdfText pdf;
    private final ImageText images;
    private final CcdaText ccda;

    /** A fast-lane extractor ({@code ocr} null) or a slow-lane one with OCR. */
    public DocumentExtractor(ExtractionLimits limits, OcrEngine ocr) {
        this.limits = limits;
        OcrPages pages = ocr == null ? null : new OcrPages(ocr, limits);
        this.pdf = new PdfText(tika, limits, pages, configuredParser(MediaType.application("pdf")));
        this.images = new ImageText(limits, pages);
        this.ccda = new CcdaText(limits);
    }

    public ExtractionLimits limits() {
        return limits;
    }

    /**
     * The text of one attachment.
     *
     * @param data        the document bytes (already base64-decoded)
     * @param contentType the declared content type with parameters, or null
     * @param attachment  how citations name the attachment ("content[0]", "Binary/123"), or null
     */
    public Extraction extract(byte[] data, String contentType, String attachment) throws DocumentFailure {
        return extract(data, contentType, attachment, 0);
    }

    private Extraction extract(byte[] data, String contentType, String attachment, int depth)
            throws DocumentFailure {
        if (data.length > limits.maxBytes()) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
        }
        if (data.length == 0) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_EMPTY);
        }
        if (depth > 3) {
            // PDF in C-CDA in gzip is three; deeper nesting is a bomb, not a document.
            throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
        }
        ContentSniffer.Sniffed s = sniffer.sniff(data, contentType);
        return switch (s.kind()) {
            case GZIP -> extract(gunzip(data), contentType, attachment, depth + 1);
            case PDF -> pdf.extract(data, attachment);
            case IMAGE -> images.extract(data, s.mimeType(), attachment);
            case CCDA -> ccda.extract(data, (bytes, mediaType, where) ->
                    extract(bytes, mediaType, attachment == null ? where : attachment + "/" + where, depth + 1));
            case HTML -> single(HtmlRenderer.toText(CharsetDecoder.decode(data, contentType, true).text()),
                    attachment);
            case PLAIN -> single(CharsetDecoder.decode(data, contentType, false).text(), attachment);
            case TIKA -> tikaText(data, s.mimeType(), attachment);
            case UNSUPPORTED -> throw new DocumentFailure(ReasonCodes.DOCUMENT_UNSUPPORTED_TYPE, s.mimeType(), null);
        };
    }

    /**
     * The parser Tika's default configuration registers for {@code type} (initialised, unlike a bare
     * {@code new PDFParser()}), so a document whose type the bytes already proved skips the auto-detecting
     * parser's magic detection and parser-map building on every call (the largest costs in a profile of the PDF
     * step); the auto-detecting parser where none is registered.
     */
    private Parser configuredParser(MediaType type) {
        Parser root = TikaConfig.getDefaultConfig().getParser();
        if (root instanceof CompositeParser c) {
            Parser p = c.getParsers().get(type);
            if (p != null) {
                return p;
            }
        }
        return autoDetect;
    }

    private Extraction tikaText(byte[] data, String mime, String attachment) throws DocumentFailure {
        PagedTextHandler handler = new PagedTextHandler(limits.maxPages(), limits.maxChars());
        tika.parse(autoDetect, data, mime, handler, limits.parseTimeout());
        String text = String.join("\n\n", handler.pages());
        return single(text, attachment);
    }

    private Extraction single(String text, String attachment) throws DocumentFailure {
        if (text.length() > limits.maxChars()) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
        }
        Citation c = attachment == null ? null : Citation.of(null, null, null, attachment);
        return new Extraction.Extracted(List.of(new DocumentSection(null, text, c)), Map.of());
    }

    // Bounded: a gzip bomb stops at maxBytes of output.
    private byte[] gunzip(byte[] data) throws DocumentFailure {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBytes() + 1));
            if (out.length > limits.maxBytes()) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
            }
            return out;
        } catch (IOException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, e);
        }
    }

    @Override
    public void close() {
        tika.close();
    }
}
