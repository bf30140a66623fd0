package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.ehrflow.documents.error.ReasonCodes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Runs one Tika parse under the per-document time limit and turns Tika's exceptions into reason codes. Tika's
 * own OCR is switched off here (OCR is ours: per-page confidence, a hard kill), and so are inline images of PDFs.
 * A parse that overruns is interrupted and abandoned: Java cannot kill a thread, so the worker pool is a
 * daemon pool and a runaway parse costs a thread, never the stage. Thread-safe.
 */
final class TikaRunner implements AutoCloseable {

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tika-parse");
        t.setDaemon(true);
        return t;
    });

    /** A parse's thrown condition, for the handler to raise (page/char limits). */
    static final class LimitReached extends SAXException {
        LimitReached() {
            super("limit reached");
        }
    }

    void parse(Parser parser, byte[] data, String contentType, ContentHandler handler, Duration timeout)
            throws DocumentFailure {
        Future<Void> f = pool.submit(() -> {
            Metadata md = new Metadata();
            if (contentType != null) {
                md.set(Metadata.CONTENT_TYPE, contentType);
            }
            try (TikaInputStream in = TikaInputStream.get(new ByteArrayInputStream(data))) {
                parser.parse(in, handler, md, context);
            }
            return null;
        });
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DocumentFailure(ReasonCodes.DOCUMENT_TIMEOUT);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new DocumentFailure(ReasonCodes.DOCUMENT_TIMEOUT);
        } catch (ExecutionException e) {
            throw classify(e.getCause(), contentType);
        }
    }

    static DocumentFailure classify(Throwable t, String contentType) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EncryptedDocumentException
                    || c instanceof org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException
                    || c.getClass().getSimpleName().equals("EncryptedDocumentException")) {
                return new DocumentFailure(ReasonCodes.DOCUMENT_ENCRYPTED, null, c);
            }
            // SecureSAXException: Tika's zip-bomb guard (output far larger than a highly compressed input).
            if (c instanceof LimitReached || WriteLimitReachedException.isWriteLimitReached(c)
                    || c.getClass().getName().equals("org.apache.tika.sax.SecureContentHandler$SecureSAXException")
                    || c.getClass().getSimpleName().equals("ZipBombException")) {
                return new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE, null, c);
            }
            if (c instanceof ZeroByteFileException) {
                return new DocumentFailure(ReasonCodes.DOCUMENT_EMPTY, null, c);
            }
        }
        if (t instanceof TikaException || t instanceof IOException || t instanceof SAXException
                || t instanceof RuntimeException) {
            // Malformed input surfaces as any of these (PDFBox, POI and the XML parsers differ).
            return new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, t);
        }
        return new DocumentFailure(ReasonCodes.EXTRACTION_ERROR, null, t);
    }

    // Built once: the configs are only read during a parse, and building them per parse cost a measurable share of
    // a small PDF's extraction (BENCHMARKS.md, "Documents").
    private final ParseContext context = context();

    private static ParseContext context() {
        ParseContext ctx = new ParseContext();
        TesseractOCRConfig ocr = new TesseractOCRConfig();
        ocr.setSkipOcr(true);
        ctx.set(TesseractOCRConfig.class, ocr);
        PDFParserConfig pdf = new PDFParserConfig();
        pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
        pdf.setExtractInlineImages(false);
        pdf.setExtractAnnotationText(false);
        ctx.set(PDFParserConfig.class, pdf);
        return ctx;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
