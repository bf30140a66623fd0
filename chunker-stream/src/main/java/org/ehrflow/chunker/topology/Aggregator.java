package org.ehrflow.chunker.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.Interpretation;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.chunking.aggregate.EncounterStory;
import org.ehrflow.chunker.chunking.aggregate.Fact;
import org.ehrflow.chunker.chunking.phi.KnownPhi;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Provenance;

/**
 * Applies one interpreted record to the patient's state and returns the chunk sets that changed: a note's or
 * unaggregated resource's own set, the encounter stories it joined or left, the patient summary, DELETE sets for
 * what it no longer produces, a MERGE pass-through, and stories and summary whose PHI tags an identity change
 * altered, and the observation series a result joins or leaves ({@link SeriesUpdates}). Structured facts with an
 * encounter never get their own set: they live only in "Encounter/<id>" (and a result also in its series). A
 * MERGE also yields the retired patient's state as a transfer to the survivor's task, applied by {@link #absorb}.
 */
final class Aggregator {

    /** Types whose facts are told in their encounter's story (an Encounter is the story's head). */
    static final Set<String> AGGREGATED = Set.of("Observation", "Condition", "MedicationRequest",
            "MedicationStatement", "AllergyIntolerance", "Procedure", "Immunization", EncounterStory.TYPE);

    private final ResourceChunker chunker;
    private final PatientState state;
    private final SeriesUpdates series;

    Aggregator(ResourceChunker chunker, PatientState state) {
        this.chunker = chunker;
        this.state = state;
        this.series = new SeriesUpdates(chunker, state);
    }

    /** The sets {@code i} changes, as {@link Routed.Out}s, and for a MERGE the {@link Routed.Transfer}s of state. */
    List<Routed> apply(Interpretation i) {
        List<ChunkSet> out = new ArrayList<>();
        List<StateTransfer> transfers = List.of();
        if (i instanceof Interpretation.Note n) {
            out.add(chunker.noteSet(n, state.known(n.rec().patientKey())));
        } else if (i instanceof Interpretation.Structured s) {
            structured(s, out);
        } else if (i instanceof Interpretation.Identity id) {
            String pk = id.rec().patientKey();
            KnownPhi before = state.known(pk);
            state.putIdentity(pk, id.rec().reference(), id.identity());
            retag(pk, before, id.rec().provenance(), out);
        } else if (i instanceof Interpretation.Retract r) {
            retract(r.rec(), r.encounterId(), out);
        } else if (i instanceof Interpretation.Merge m) {
            transfers = merge(m.rec(), out);
        }
        List<Routed> routed = new ArrayList<>(out.stream().<Routed>map(Routed.Out::new).toList());
        transfers.forEach(t -> routed.add(new Routed.Transfer(t)));
        return routed;
    }

    private void structured(Interpretation.Structured s, List<ChunkSet> out) {
        FhirRecord rec = s.rec();
        String pk = rec.patientKey();
        String ref = rec.reference();
        boolean identity = "Patient".equals(rec.resourceType());
        KnownPhi knownBefore = identity ? state.known(pk) : null;
        if (identity) {
            state.putIdentity(pk, ref, s.identity());
        }
        boolean summaryChanged = state.putSummary(pk, ref, s.summaryItem());
        String target = aggregateOf(rec.resourceType(), s.encounterId());
        if (target == null) {
            leaveEncounter(rec, out);
            if (AGGREGATED.contains(rec.resourceType())) {
                state.file(pk, ref, "");
            }
            out.add(chunker.resourceSet(s, state.known(pk)));
        } else {
            String before = state.filedUnder(pk, ref);
            if ("".equals(before)) {
                out.add(ResourceChunker.deleteSet(rec, s.encounterId())); // it had its own set: retract it
            } else if (before != null && !before.equals(target)) {
                leaveEncounter(rec, out);
            }
            Fact fact = new Fact(ref, rec.resourceType(), s.rendered().date(), s.time(), s.rendered().text());
            boolean changed = state.putFact(pk, target, fact);
            state.file(pk, ref, target);
            if (changed || !target.equals(before)) {
                out.add(encounterSet(pk, target, rec.provenance()));
            }
        }
        series.update(s, out);
        if (summaryChanged) {
            out.add(chunker.summarySet(pk, state.summary(pk), rec.provenance(), state.known(pk)));
        }
        if (identity) {
            retag(pk, knownBefore, rec.provenance(), out);
        }
    }

    private void retract(FhirRecord rec, String encounterHint, List<ChunkSet> out) {
        String pk = rec.patientKey();
        String ref = rec.reference();
        String before = state.filedUnder(pk, ref);
        if (EncounterStory.TYPE.equals(rec.resourceType())) {
            // The Encounter's own set is its story: drop the head, keep (or retract when empty) the rest.
            state.removeFact(pk, rec.resourceId(), ref);
            state.unfile(pk, ref);
            out.add(encounterSet(pk, rec.resourceId(), rec.provenance()));
        } else if (before != null && !before.isEmpty()) {
            leaveEncounter(rec, out);
            state.unfile(pk, ref);
        } else {
            state.unfile(pk, ref);
            out.add(ResourceChunker.deleteSet(rec, encounterHint));
        }
        series.retract(rec, out);
        KnownPhi known = state.known(pk);
        state.removeIdentity(pk, ref);
        if (state.putSummary(pk, ref, null)) {
            out.add(chunker.summarySet(pk, state.summary(pk), rec.provenance(), state.known(pk)));
        }
        retag(pk, known, rec.provenance(), out);
    }

    /**
     * When what is known about the patient's identity changed, re-emits the stories and the summary whose PHI
     * tags change with it (both are rebuilt from state; each is chunked with the old and the new identity and
     * emitted only where the chunks differ, so an identity change that touches no text emits nothing). Notes and
     * unaggregated resources are not kept in state and keep their tags: README "PHI tags".
     */
    private void retag(String pk, KnownPhi before, Provenance cause, List<ChunkSet> out) {
        KnownPhi after = state.known(pk);
        if (after.equals(before)) {
            return;
        }
        Set<String> emitted = new HashSet<>();
        out.forEach(set -> emitted.add(set.sourceId()));
        for (String enc : state.encounters(pk)) {
            List<Fact> facts = state.facts(pk, enc);
            addIfRetagged(chunker.encounterSet(pk, enc, facts, cause, before),
                    chunker.encounterSet(pk, enc, facts, cause, after), emitted, out);
        }
        List<Fact> items = state.summary(pk);
        if (!items.isEmpty()) {
            addIfRetagged(chunker.summarySet(pk, items, cause, before), chunker.summarySet(pk, items, cause, after),
                    emitted, out);
        }
        series.retag(pk, before, after, cause, (old, now) -> addIfRetagged(old, now, emitted, out));
    }

    private static void addIfRetagged(ChunkSet old, ChunkSet now, Set<String> emitted, List<ChunkSet> out) {
        if (!emitted.contains(now.sourceId()) && !now.chunks().equals(old.chunks())) {
            out.add(now);
        }
    }

    // Removes the resource from the encounter it was filed under (if any) and re-emits that story.
    private void leaveEncounter(FhirRecord rec, List<ChunkSet> out) {
        String pk = rec.patientKey();
        String before = state.filedUnder(pk, rec.reference());
        if (before != null && !before.isEmpty() && state.removeFact(pk, before, rec.reference())) {
            out.add(encounterSet(pk, before, rec.provenance()));
        }
    }

    /**
     * MERGE, in the retired patient's task: the sink moves every row of the retired key under the surviving key,
     * so the MERGE set is passed on (after a DELETE of the retired patient's summary, which would otherwise sit
     * beside the survivor's). The retired patient's state is removed here and returned as transfer records (none
     * when it had no state) for the survivor's task, which may be another one ({@link #absorb}). README "Merges".
     */
    private List<StateTransfer> merge(FhirRecord rec, List<ChunkSet> out) {
        String retired = rec.patientKey();
        String survivor = rec.targetPatientKey();
        Provenance cause = rec.provenance();
        if (!state.summary(retired).isEmpty()) {
            out.add(chunker.summarySet(retired, List.of(), cause, state.known(retired)));
        }
        out.add(ResourceChunker.mergeSet(rec));
        if (retired.equals(survivor)) {
            return List.of();
        }
        // Cut into records well under the record size limit; a long-lived patient's facts can be megabytes.
        return new StateTransfer(retired, survivor, cause, state.take(retired)).parts(StateTransfer.MAX_PART_CHARS);
    }

    /**
     * The second half of a MERGE, in the surviving patient's task: merges (a part of) the retired patient's
     * state into the survivor's, never overwriting what the survivor already has, and returns the stories that
     * gained facts and the summary if it gained items, tagged with the combined identity, plus the stories whose
     * tags the combined identity changes.
     */
    List<ChunkSet> absorb(StateTransfer t) {
        String pk = t.survivorKey();
        KnownPhi before = state.known(pk);
        PatientState.Absorbed added = state.absorb(pk, t.entries());
        List<ChunkSet> out = new ArrayList<>();
        for (String enc : added.encounters()) {
            out.add(encounterSet(pk, enc, t.cause()));
        }
        if (added.summaryChanged()) {
            out.add(chunker.summarySet(pk, state.summary(pk), t.cause(), state.known(pk)));
        }
        series.emit(pk, added.seriesCodes(), t.cause(), out);
        retag(pk, before, t.cause(), out);
        return out;
    }

    private ChunkSet encounterSet(String pk, String encounterId, Provenance cause) {
        return chunker.encounterSet(pk, encounterId, state.facts(pk, encounterId), cause, state.known(pk));
    }

    /** The encounter a resource's fact is told in, or null when it keeps its own set. */
    static String aggregateOf(String resourceType, String encounterId) {
        if (!AGGREGATED.contains(resourceType) || encounterId == null || encounterId.isBlank()) {
            return null;
        }
        return ResourceChunker.validSourceId(ContextHeader.encounterReference(encounterId)) ? encounterId.strip()
                : null;
    }
}
