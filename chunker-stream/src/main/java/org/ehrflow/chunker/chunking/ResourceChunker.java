package org.ehrflow.chunker.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ehrflow.chunker.chunking.aggregate.EncounterStory;
import org.ehrflow.chunker.chunking.aggregate.Fact;
import org.ehrflow.chunker.chunking.aggregate.FactCitations;
import org.ehrflow.chunker.chunking.aggregate.IdentityReader;
import org.ehrflow.chunker.chunking.aggregate.ObservationSeries;
import org.ehrflow.chunker.chunking.aggregate.PatientSummary;
import org.ehrflow.chunker.chunking.aggregate.SeriesPoint;
import org.ehrflow.chunker.chunking.aggregate.SummaryRules;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.ResourceRefs;
import org.ehrflow.chunker.chunking.model.Section;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.chunker.chunking.phi.PhiDetector;
import org.ehrflow.chunker.chunking.render.Rendered;
import org.ehrflow.chunker.chunking.render.Renderers;
import org.ehrflow.chunker.chunking.render.ResourceRenderer;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;
import org.ehrflow.schemas.RecordOp;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * FhirRecord in, chunk sets out: {@link #interpret} says what a record means (note, rendered fact, retraction,
 * merge, identity), and the {@code *Set} methods build the chunk sets of a resource, an encounter's story and
 * the patient summary, every chunk tagged with id, token count, content hash and PHI. Pure and thread-safe.
 */
public final class ResourceChunker {

    private static final Pattern PATIENT_KEY = Pattern.compile("^(pk|sys)_[0-9a-f]{32}$");
    private static final Pattern SOURCE_ID = Pattern.compile("^[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}$");

    private final TextChunker chunker;
    /** Aggregates are lists of whole facts: an overlap would repeat a fragment of the previous fact. */
    private final TextChunker factChunker;
    private final ChunkTagger tagger;

    /** A chunker that also writes the de-identified variant of every chunk. */
    public ResourceChunker(TextChunker chunker, PhiDetector phi) {
        this(chunker, phi, true);
    }

    public ResourceChunker(TextChunker chunker, PhiDetector phi, boolean deidentify) {
        this.chunker = chunker;
        this.factChunker = chunker.withOverlap(0);
        this.tagger = new ChunkTagger(phi, deidentify);
    }

    /** Whether {@code sourceId} has the form a chunk set's sourceId must have ("Type/id", FHIR id characters). */
    public static boolean validSourceId(String sourceId) {
        return SOURCE_ID.matcher(sourceId).matches();
    }

    /** The record's chunk set on its own (no aggregation, patterns-only PHI): for tools and benchmarks. */
    public ChunkResult chunk(FhirRecord rec) {
        Interpretation i = interpret(rec);
        if (i instanceof Interpretation.Rejected r) {
            return new ChunkResult.Rejected(r.reasonCode(), r.cause());
        }
        if (i instanceof Interpretation.Retract r) {
            return new ChunkResult.Mapped(deleteSet(rec, r.encounterId()), Map.of());
        }
        if (i instanceof Interpretation.Note n) {
            return new ChunkResult.Mapped(noteSet(n, KnownPhi.NONE), n.note().skipped());
        }
        if (i instanceof Interpretation.Structured s) {
            return new ChunkResult.Mapped(resourceSet(s, KnownPhi.NONE), Map.of());
        }
        return new ChunkResult.Unsupported(rec.resourceType());
    }

    /** What {@code rec} means; never throws for bad input (that is a Rejected). */
    public Interpretation interpret(FhirRecord rec) {
        if (!PATIENT_KEY.matcher(rec.patientKey()).matches()) {
            return new Interpretation.Rejected(ReasonCodes.INVALID_PATIENT_KEY, null);
        }
        if (!validSourceId(rec.reference())) {
            return new Interpretation.Rejected(ReasonCodes.INVALID_SOURCE_ID, null);
        }
        if (rec.op() == RecordOp.MERGE) {
            return PATIENT_KEY.matcher(rec.targetPatientKey()).matches() ? new Interpretation.Merge(rec)
                    : new Interpretation.Rejected(ReasonCodes.INVALID_PATIENT_KEY, null);
        }
        if (rec.op() == RecordOp.DELETE) {
            return new Interpretation.Retract(rec, rec.encounterId());
        }
        Resource resource;
        try {
            IBaseResource parsed = FhirParsing.parse(rec.resourceJson());
            if (!(parsed instanceof Resource r)) {
                return new Interpretation.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, null);
            }
            resource = r;
        } catch (RuntimeException e) {
            return new Interpretation.Rejected(ReasonCodes.RESOURCE_PARSE_ERROR, e);
        }
        if (!resource.fhirType().equals(rec.resourceType())) {
            return new Interpretation.Rejected(ReasonCodes.RESOURCE_TYPE_MISMATCH, null);
        }
        // The parsed id may be absent or differ (CDC, HL7); the record's id is the one every set is keyed by.
        resource.setId(rec.resourceType() + "/" + rec.resourceId());
        String encounterId = rec.encounterId() != null ? rec.encounterId() : ResourceRefs.encounterId(resource);
        if (ResourceRefs.retracted(resource)) {
            return new Interpretation.Retract(rec, encounterId);
        }
        try {
            return interpretResource(rec, resource, encounterId);
        } catch (NoteDecodeException e) {
            return new Interpretation.Rejected(ReasonCodes.ATTACHMENT_DECODE_ERROR, e);
        }
    }

    private Interpretation interpretResource(FhirRecord rec, Resource resource, String encounterId)
            throws NoteDecodeException {
        if (resource instanceof DocumentReference d) {
            return new Interpretation.Note(rec, encounterId, NoteExtractor.from(d));
        }
        if (resource instanceof DiagnosticReport r && NoteExtractor.hasText(r)) {
            NoteExtractor.Note note = NoteExtractor.from(r);
            List<Section> sections = new ArrayList<>(note.sections());
            Optional.ofNullable(NoteExtractor.conclusion(r)).ifPresent(sections::add);
            return new Interpretation.Note(rec, encounterId,
                    new NoteExtractor.Note(note.noteType(), note.date(), sections, note.skipped()));
        }
        Optional<ResourceRenderer> renderer = Renderers.forType(resource.fhirType());
        if (renderer.isEmpty()) {
            return IdentityReader.isIdentity(resource.fhirType())
                    ? new Interpretation.Identity(rec, IdentityReader.read(resource))
                    : new Interpretation.Unsupported(resource.fhirType());
        }
        Rendered rendered = renderer.get().render(resource);
        SeriesPoint point = resource instanceof Observation o ? ObservationSeries.point(o, rec.reference()) : null;
        return new Interpretation.Structured(rec, encounterId, rendered, ResourceRefs.clinicalTime(resource),
                SummaryRules.item(resource, rendered), IdentityReader.read(resource), point);
    }

    /** A note's own chunk set. */
    public ChunkSet noteSet(Interpretation.Note n, KnownPhi known) {
        List<Piece> pieces = chunker.chunk(new ContextHeader(n.note().noteType(), n.note().date(), n.encounterId()),
                n.note().sections());
        FhirRecord rec = n.rec();
        return upsert(rec.patientKey(), rec.reference(), rec.resourceType(), rec.versionId(), n.encounterId(),
                n.note().noteType(), pieces, rec.provenance(), known);
    }

    /** A structured resource's own chunk set (one not aggregated into an encounter). */
    public ChunkSet resourceSet(Interpretation.Structured s, KnownPhi known) {
        FhirRecord rec = s.rec();
        String type = rec.resourceType();
        List<Piece> pieces = chunker.chunk(new ContextHeader(type, s.rendered().date(), s.encounterId()),
                List.of(new Section(type, s.rendered().text())));
        return upsert(rec.patientKey(), rec.reference(), type, rec.versionId(), s.encounterId(), type, pieces,
                rec.provenance(), known);
    }

    /** The encounter's story set ("Encounter/<id>"): UPSERT of its facts, or DELETE when it has none left. */
    public ChunkSet encounterSet(String patientKey, String encounterId, List<Fact> facts, Provenance cause,
            KnownPhi known) {
        String sourceId = ContextHeader.encounterReference(encounterId);
        if (facts.isEmpty()) {
            return new ChunkSet(patientKey, RecordOp.DELETE, sourceId, EncounterStory.TYPE, null, encounterId, null,
                    List.of(), cause);
        }
        List<Fact> ordered = EncounterStory.ordered(facts);
        List<Piece> pieces = factChunker.chunk(EncounterStory.header(encounterId, ordered),
                EncounterStory.sections(ordered));
        return cited(upsert(patientKey, sourceId, EncounterStory.TYPE, null, encounterId, EncounterStory.TYPE, pieces,
                cause, known), ordered);
    }

    /** The patient summary set: UPSERT of its items, or DELETE when none is left. */
    public ChunkSet summarySet(String patientKey, List<Fact> items, Provenance cause, KnownPhi known) {
        String sourceId = PatientSummary.sourceId(patientKey);
        if (items.isEmpty()) {
            return new ChunkSet(patientKey, RecordOp.DELETE, sourceId, PatientSummary.RESOURCE_TYPE, null, null,
                    null, List.of(), cause);
        }
        List<Piece> pieces = factChunker.chunk(PatientSummary.header(), PatientSummary.sections(items));
        return cited(upsert(patientKey, sourceId, PatientSummary.RESOURCE_TYPE, null, null, PatientSummary.NOTE_TYPE,
                pieces, cause, known), items);
    }

    /**
     * The observation series of {@code code} ("Observation/series-<hex>"): one chunk of its newest results (as many
     * as fit, plus the first on record), citing each result it states; DELETE when no result is left.
     */
    public ChunkSet seriesSet(String patientKey, String code, List<SeriesPoint> points, Provenance cause,
            KnownPhi known) {
        String sourceId = ObservationSeries.sourceId(code);
        if (points.isEmpty()) {
            return new ChunkSet(patientKey, RecordOp.DELETE, sourceId, ObservationSeries.RESOURCE_TYPE, null, null,
                    null, List.of(), cause);
        }
        List<SeriesPoint> ordered = ObservationSeries.newestFirst(points);
        String label = ordered.get(0).label();
        // The most results that fit one chunk: all when they do, else a binary search (fits(lo), not fits(hi)).
        int shown = ordered.size();
        List<Piece> best = seriesPieces(label, ordered, shown);
        if (best.size() > 1) {
            int lo = 1;
            int hi = shown;
            best = seriesPieces(label, ordered, lo);
            while (lo < hi - 1) {
                int mid = (lo + hi) >>> 1;
                List<Piece> p = seriesPieces(label, ordered, mid);
                if (p.size() == 1) {
                    lo = mid;
                    best = p;
                } else {
                    hi = mid;
                }
            }
            shown = lo;
        }
        Piece first = best.get(0);
        List<Piece> one = List.of(new Piece(ObservationSeries.NOTE_TYPE, first.text(), first.tokenCount()));
        ChunkSet set = upsert(patientKey, sourceId, ObservationSeries.RESOURCE_TYPE, null, null,
                ObservationSeries.NOTE_TYPE, one, cause, known);
        List<String> cites = ObservationSeries.stated(ordered, shown).stream().map(SeriesPoint::ref).distinct()
                .toList();
        return new ChunkSet(set.patientKey(), set.op(), set.sourceId(), set.resourceType(), null, null,
                set.noteType(), set.chunks().stream().map(c -> c.withCites(cites)).toList(), cause);
    }

    // The series' label is the section name, so the header line reads "Observation series | <label>".
    private List<Piece> seriesPieces(String label, List<SeriesPoint> ordered, int shown) {
        return factChunker.chunk(ObservationSeries.header(),
                List.of(new Section(label, ObservationSeries.body(ordered, shown))));
    }

    /** A DELETE set for the record's own source. */
    public static ChunkSet deleteSet(FhirRecord rec, String encounterId) {
        return new ChunkSet(rec.patientKey(), RecordOp.DELETE, rec.reference(), rec.resourceType(), rec.versionId(),
                encounterId, null, List.of(), rec.provenance());
    }

    /** The MERGE set passed to the sink: sourceId of the retired patient's record, no chunks. */
    public static ChunkSet mergeSet(FhirRecord rec) {
        return new ChunkSet(rec.patientKey(), RecordOp.MERGE, rec.reference(), rec.resourceType(), rec.versionId(),
                null, null, List.of(), rec.provenance(), rec.targetPatientKey());
    }

    /** A set of one source's own text: each chunk cites that source. */
    private ChunkSet upsert(String patientKey, String sourceId, String type, String version, String encounterId,
            String noteType, List<Piece> pieces, Provenance provenance, KnownPhi known) {
        List<org.ehrflow.schemas.Chunk> chunks = tagger.tag(sourceId, pieces, known).stream()
                .map(c -> c.withCites(List.of(sourceId))).toList();
        return new ChunkSet(patientKey, RecordOp.UPSERT, sourceId, type, version, encounterId, noteType, chunks,
                provenance);
    }

    /** An aggregate's set: each chunk cites the facts it states (FactCitations), not the aggregate. */
    private static ChunkSet cited(ChunkSet set, List<Fact> facts) {
        return new ChunkSet(set.patientKey(), set.op(), set.sourceId(), set.resourceType(), set.resourceVersion(),
                set.encounterId(), set.noteType(), FactCitations.cite(set.chunks(), facts), set.provenance());
    }

    static String sha256(String text) {
        return ChunkTagger.sha256(text);
    }
}
