package org.ehrflow.chunker.topology;

import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.aggregate.ObservationSeries;
import org.ehrflow.chunker.chunking.aggregate.SeriesPoint;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;

/**
 * Keeps the patient's observation series (one chunk set per code, README "Observation series") in step with the
 * Observations: a new or changed result re-emits its series, one that changes code or loses its value leaves the
 * old series, a retraction leaves its series (DELETE when the last result goes), a merge re-emits the series that
 * gained results. Independent of encounter stories: a result is in its encounter's story and in its series.
 */
final class SeriesUpdates {

    private final ResourceChunker chunker;
    private final PatientState state;

    SeriesUpdates(ResourceChunker chunker, PatientState state) {
        this.chunker = chunker;
        this.state = state;
    }

    /** An Observation upsert (others change no series). */
    void update(Interpretation.Structured s, List<ChunkSet> out) {
        FhirRecord rec = s.rec();
        if (!ObservationSeries.RESOURCE_TYPE.equals(rec.resourceType())) {
            return;
        }
        String pk = rec.patientKey();
        SeriesState series = state.series();
        String before = series.codeOf(pk, rec.reference());
        SeriesPoint p = s.seriesPoint();
        if (before != null && (p == null || !before.equals(p.code()))) {
            series.remove(pk, before, rec.reference());
            out.add(set(pk, before, rec.provenance()));
        }
        if (p != null && series.put(pk, p)) {
            out.add(set(pk, p.code(), rec.provenance()));
        }
    }

    /** A retraction of any resource: its series (if it is in one) without it. */
    void retract(FhirRecord rec, List<ChunkSet> out) {
        String pk = rec.patientKey();
        String code = state.series().codeOf(pk, rec.reference());
        if (code != null && state.series().remove(pk, code, rec.reference())) {
            out.add(set(pk, code, rec.provenance()));
        }
    }

    /** The series of {@code codes} as they are now (after a merge absorbed results into them). */
    void emit(String pk, Collection<String> codes, Provenance cause, List<ChunkSet> out) {
        codes.forEach(code -> out.add(set(pk, code, cause)));
    }

    /** Every series of {@code pk} chunked with the old and the new identity (re-tagging picks those that differ). */
    void retag(String pk, KnownPhi before, KnownPhi after, Provenance cause, BiConsumer<ChunkSet, ChunkSet> each) {
        for (String code : state.series().codes(pk)) {
            List<SeriesPoint> points = state.series().points(pk, code);
            each.accept(chunker.seriesSet(pk, code, points, cause, before),
                    chunker.seriesSet(pk, code, points, cause, after));
        }
    }

    private ChunkSet set(String pk, String code, Provenance cause) {
        return chunker.seriesSet(pk, code, state.series().points(pk, code), cause, state.known(pk));
    }
}
