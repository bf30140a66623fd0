package org.ehrflow.chunker.chunking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.chunker.chunking.phi.PhiKind;
import org.ehrflow.chunker.chunking.render.Rendered;
import org.ehrflow.chunker.chunking.render.Renderers;
import org.ehrflow.chunker.chunking.render.ResourceRenderer;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Resource;

/**
 * FhirRecord in, ChunkSet out: notes (DocumentReference, DiagnosticReport with text) are cleaned and split at
 * sections; structured resources are rendered as sentences; DELETE and entered-in-error become DELETE sets.
 * Every chunk is tagged with its id, token count, content hash and PHI kinds. Pure and thread-safe.
 */
public final class ResourceChunker {

    private static final Pattern PATIENT_KEY = Pattern.compile("^(pk|sys)_[0-9a-f]{32}$");
    private static final Pattern SOURCE_ID = Pattern.compile("^[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}$");

    private final TextChunker chunker;
    private final PhiDetector phi;

    public ResourceChunker(TextChunker chunker, PhiDetector phi) {
        this.chunker = chunker;
        this.phi = phi;
    }

    public ChunkResult chunk(FhirRecord rec) {
        if (!PATIENT_KEY.matcher(rec.patientKey()).matches()) {
            return new ChunkResult.Rejected(ReasonCodes.INVALID_PATIENT_KEY, null);
        }
        if (!SOURCE_ID.matcher(rec.reference()).matches()) {
            return new ChunkResult.Rejected(ReasonCodes.INVALID_SOURCE_ID, null);
        }
        if (rec.op() == RecordOp.DELETE) {
            return new ChunkResult.Mapped(deleteSet(rec, rec.encounterId()), Map.of());
        }
        Resource resource;
        try {
            IBaseResource parsed = FhirParsing.parse(rec.resourceJson());
            if (!(parsed instanceof Resource r)) {
                return new ChunkResult.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, null);
            }
            resource = r;
        } catch (RuntimeException e) {
            return new ChunkResult.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, e);
        }
        if (!resource.fhirType().equals(rec.resourceType())) {
            return new ChunkResult.Rejected(ReasonCodes.RESOURCE_TYPE_MISMATCH, null);
        }
        String encounterId = rec.encounterId() != null ? rec.encounterId() : ResourceRefs.encounterId(resource);
        if (ResourceRefs.enteredInError(resource)) {
            return new ChunkResult.Mapped(deleteSet(rec, encounterId), Map.of());
        }
        try {
            return chunkResource(rec, resource, encounterId);
        } catch (NoteDecodeException e) {
            return new ChunkResult.Rejected(ReasonCodes.ATTACHMENT_DECODE_ERROR, e);
        }
    }

    private ChunkResult chunkResource(FhirRecord rec, Resource resource, String encounterId)
            throws NoteDecodeException {
        if (resource instanceof DocumentReference d) {
            return noteSet(rec, NoteExtractor.from(d), encounterId);
        }
        if (resource instanceof DiagnosticReport r && NoteExtractor.hasText(r)) {
            NoteExtractor.Note note = NoteExtractor.from(r);
            List<Section> sections = new ArrayList<>(note.sections());
            Optional.ofNullable(NoteExtractor.conclusion(r)).ifPresent(sections::add);
            return noteSet(rec, new NoteExtractor.Note(note.noteType(), note.date(), sections, note.skipped()),
                    encounterId);
        }
        Optional<ResourceRenderer> renderer = Renderers.forType(resource.fhirType());
        if (renderer.isEmpty()) {
            return new ChunkResult.Unsupported(resource.fhirType());
        }
        Rendered rendered = renderer.get().render(resource);
        String type = resource.fhirType();
        List<Piece> pieces = chunker.chunk(new ContextHeader(type, rendered.date(), encounterId),
                List.of(new Section(type, rendered.text())));
        return new ChunkResult.Mapped(upsertSet(rec, encounterId, type, pieces), Map.of());
    }

    private ChunkResult noteSet(FhirRecord rec, NoteExtractor.Note note, String encounterId) {
        List<Piece> pieces = chunker.chunk(new ContextHeader(note.noteType(), note.date(), encounterId),
                note.sections());
        return new ChunkResult.Mapped(upsertSet(rec, encounterId, note.noteType(), pieces), note.skipped());
    }

    private ChunkSet upsertSet(FhirRecord rec, String encounterId, String noteType, List<Piece> pieces) {
        List<Chunk> chunks = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            Set<PhiKind> kinds = phi.detect(p.text(), rec.patientKey());
            List<String> names = kinds.stream().map(Enum::name).sorted().toList();
            chunks.add(new Chunk(rec.reference() + "#" + i, i, p.section(), p.text(), p.tokenCount(),
                    sha256(p.text()), !names.isEmpty(), names));
        }
        return new ChunkSet(rec.patientKey(), RecordOp.UPSERT, rec.reference(), rec.resourceType(), rec.versionId(),
                encounterId, noteType, chunks, rec.provenance());
    }

    private static ChunkSet deleteSet(FhirRecord rec, String encounterId) {
        return new ChunkSet(rec.patientKey(), RecordOp.DELETE, rec.reference(), rec.resourceType(), rec.versionId(),
                encounterId, null, List.of(), rec.provenance());
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }
}
