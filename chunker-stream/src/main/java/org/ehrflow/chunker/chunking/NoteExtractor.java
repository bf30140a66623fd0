package org.ehrflow.chunker.chunking;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ehrflow.chunker.chunking.model.Section;
import org.ehrflow.chunker.chunking.render.FhirText;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;

/**
 * Pulls the note text out of DocumentReference attachments and DiagnosticReport presentedForm (plus its
 * conclusion), cleaned and split into sections. Plain text is preferred; HTML is used when no plain rendition
 * exists, RTF when neither does (renditions of one document are alternatives, so only one kind is chunked).
 * Attachments with only a
 * url, no data, or a non-text type are skipped and counted.
 */
public final class NoteExtractor {

    /**
     * One note's text.
     *
     * @param noteType document type display, never null
     * @param date     document date (yyyy-MM-dd) or null
     * @param sections sections of every chunked attachment, in order (a chunk never spans two sections)
     * @param skipped  attachments not chunked, by reason
     */
    public record Note(String noteType, String date, List<Section> sections, Map<String, Integer> skipped) {
    }

    private enum Kind { PLAIN, HTML, RTF, NONE }

    private NoteExtractor() {
    }

    public static Note from(DocumentReference d) throws NoteDecodeException {
        String type = FhirText.concept(d.getType());
        if (type == null) {
            type = FhirText.concepts(d.getCategory());
        }
        String date = d.hasDate() ? FhirText.date(d.getDateElement())
                : d.getContext().hasPeriod() ? FhirText.dateOf(d.getContext().getPeriod()) : null;
        List<Attachment> attachments = d.getContent().stream()
                .map(DocumentReference.DocumentReferenceContentComponent::getAttachment).toList();
        Map<String, Integer> skipped = new TreeMap<>();
        List<Section> sections = sections(attachments, skipped);
        return new Note(type == null ? "Document" : type, date, sections, skipped);
    }

    /** The report's text; its sections are empty when it has neither a text rendition nor a conclusion. */
    public static Note from(DiagnosticReport r) throws NoteDecodeException {
        String type = FhirText.concept(r.getCode());
        String date = FhirText.dateOf(r.getEffective());
        if (date == null && r.hasIssued()) {
            date = FhirText.date(r.getIssuedElement());
        }
        Map<String, Integer> skipped = new TreeMap<>();
        List<Section> sections = sections(r.getPresentedForm(), skipped);
        return new Note(type == null ? "Diagnostic report" : type, date, sections, skipped);
    }

    /** Whether the report has text worth chunking as a note (else it is rendered from its structure). */
    public static boolean hasText(DiagnosticReport r) {
        return r.getPresentedForm().stream().anyMatch(a -> a.hasData() && kind(a) != Kind.NONE);
    }

    /** The conclusion as its own section, for reports chunked as notes. */
    public static Section conclusion(DiagnosticReport r) {
        return r.hasConclusion() && !r.getConclusion().isBlank()
                ? new Section("Conclusion", TextCleaner.clean(r.getConclusion())) : null;
    }

    private static List<Section> sections(List<Attachment> attachments, Map<String, Integer> skipped)
            throws NoteDecodeException {
        // Renditions of one document are alternatives: plain text, else HTML, else RTF.
        Kind chosen = Kind.RTF;
        for (Kind k : new Kind[] {Kind.HTML, Kind.PLAIN}) {
            if (attachments.stream().anyMatch(a -> a.hasData() && kind(a) == k)) {
                chosen = k;
            }
        }
        List<Section> out = new ArrayList<>();
        for (Attachment a : attachments) {
            Kind k = kind(a);
            if (!a.hasData()) {
                skipped.merge(a.hasUrl() ? "url_only" : "no_data", 1, Integer::sum);
            } else if (k == Kind.NONE) {
                skipped.merge("unsupported_type", 1, Integer::sum);
            } else if (k != chosen) {
                skipped.merge("alternate_rendition", 1, Integer::sum);
            } else {
                String text = decode(a);
                String plain = switch (k) {
                    case HTML -> HtmlText.toText(text);
                    case RTF -> RtfText.toText(text);
                    default -> RtfText.isRtf(text) ? RtfText.toText(text) : text; // RTF labelled text/plain
                };
                out.addAll(SectionSplitter.split(TextCleaner.clean(plain)));
            }
        }
        return out;
    }

    private static Kind kind(Attachment a) {
        String ct = a.hasContentType() ? a.getContentType().toLowerCase(Locale.ROOT) : "text/plain";
        String mime = ct.split(";", 2)[0].strip();
        return switch (mime) {
            case "text/plain", "text/markdown", "text/x-markdown", "" -> Kind.PLAIN;
            case "text/html", "application/xhtml+xml" -> Kind.HTML;
            case "text/rtf", "application/rtf" -> Kind.RTF;
            default -> Kind.NONE;
        };
    }

    // Strict decoding: a note whose bytes do not match its charset is bad input, not something to guess at.
    private static String decode(Attachment a) throws NoteDecodeException {
        Charset cs = charset(a.getContentType());
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(a.getData())).toString();
        } catch (CharacterCodingException e) {
            throw new NoteDecodeException("attachment is not valid " + cs.name());
        }
    }

    private static Charset charset(String contentType) throws NoteDecodeException {
        if (contentType == null) {
            return StandardCharsets.UTF_8;
        }
        for (String param : contentType.split(";")) {
            String[] kv = param.strip().split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
                String name = kv[1].strip().replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new NoteDecodeException("unsupported charset");
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
