package org.ehrflow.chunker.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.ehrflow.chunker.TestSupport;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.schemas.Chunk;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.RecordOp;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class ResourceChunkerTest {

    private final ResourceChunker chunker = TestSupport.chunker();

    private static String json(Resource r) {
        return FhirParsing.context().newJsonParser().encodeResourceToString(r);
    }

    /** A progress note with one text/plain attachment, a date and an encounter reference. */
    static DocumentReference note(String text) {
        DocumentReference d = new DocumentReference();
        d.setId("note-1");
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setType(new CodeableConcept().addCoding(new Coding("http://loinc.org", "11506-3", "Progress note")));
        d.setDateElement(new InstantType("2024-03-04T05:06:07Z"));
        d.getContext().addEncounter(new Reference("Encounter/V1234"));
        d.addContent().setAttachment(new Attachment().setContentType("text/plain; charset=utf-8")
                .setData(text.getBytes(StandardCharsets.UTF_8)));
        return d;
    }

    private ChunkSet mapped(FhirRecord rec) {
        ChunkResult r = chunker.chunk(rec);
        assertThat(r).isInstanceOf(ChunkResult.Mapped.class);
        return ((ChunkResult.Mapped) r).set();
    }

    @Test
    void noteBecomesAnUpsertSetWithTagsPerSetAndPerChunk() {
        String text = "CHIEF COMPLAINT:\nCough for 3 days.\n\nPLAN:\nRest, fluids; Dr. Smith to call back.";
        ChunkSet set = mapped(TestSupport.upsert("DocumentReference", "note-1", json(note(text))));
        assertThat(set.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(set.sourceId()).isEqualTo("DocumentReference/note-1");
        assertThat(set.patientKey()).isEqualTo(TestSupport.PATIENT);
        assertThat(set.resourceVersion()).isEqualTo("1");          // FhirRecord.versionId
        assertThat(set.encounterId()).isEqualTo("V1234");           // DocumentReference.context.encounter
        assertThat(set.noteType()).isEqualTo("Progress note");      // type display
        assertThat(set.provenance()).isEqualTo(TestSupport.provenance());
        assertThat(set.chunks()).extracting(Chunk::chunkId)
                .containsExactly("DocumentReference/note-1#0", "DocumentReference/note-1#1");
        Chunk plan = set.chunks().get(1);
        assertThat(plan.section()).isEqualTo("PLAN");
        assertThat(plan.text()).isEqualTo("Progress note | 2024-03-04 | PLAN | Encounter/V1234\n"
                + "Rest, fluids; Dr. Smith to call back.");
        assertThat(plan.tokenCount()).isEqualTo(TestSupport.TOKENIZER.countTokens(plan.text()));
        assertThat(plan.contentHash()).isEqualTo(ResourceChunker.sha256(plan.text())).hasSize(64);
        assertThat(plan.phiPresent()).isTrue();
        assertThat(plan.phiKinds()).containsExactly("DATE", "NAME");
    }

    @Test
    void encounterIdOfTheRecordWinsOverTheResource() {
        FhirRecord rec = new FhirRecord(TestSupport.PATIENT, RecordOp.UPSERT, "DocumentReference", "note-1", "3",
                "enc-from-normaliser", json(note("PLAN: rest")), TestSupport.provenance());
        assertThat(mapped(rec).encounterId()).isEqualTo("enc-from-normaliser");
    }

    @Test
    void deleteBecomesAnEmptyDeleteSetForTheSameSource() {
        ChunkSet set = mapped(TestSupport.delete("Observation", "obs-9"));
        assertThat(set.op()).isEqualTo(RecordOp.DELETE);
        assertThat(set.sourceId()).isEqualTo("Observation/obs-9");
        assertThat(set.resourceVersion()).isEqualTo("2");
        assertThat(set.chunks()).isEmpty();
    }

    @Test
    void enteredInErrorBecomesADeleteSet() {
        DocumentReference d = note("PLAN: rest");
        d.setStatus(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        assertThat(mapped(TestSupport.upsert("DocumentReference", "note-1", json(d))).op()).isEqualTo(RecordOp.DELETE);
    }

    @Test
    void urlOnlyAndNonTextAttachmentsAreSkippedAndCounted() {
        DocumentReference d = note("PLAN: rest");
        d.addContent().setAttachment(new Attachment().setContentType("application/pdf").setUrl("Binary/1"));
        d.addContent().setAttachment(new Attachment().setContentType("application/pdf").setData(new byte[] {1, 2}));
        d.addContent().setAttachment(new Attachment().setContentType("text/html").setData("<p>PLAN: rest</p>"
                .getBytes(StandardCharsets.UTF_8)));
        ChunkResult r = chunker.chunk(TestSupport.upsert("DocumentReference", "note-1", json(d)));
        assertThat(((ChunkResult.Mapped) r).skippedAttachments())
                .isEqualTo(Map.of("url_only", 1, "unsupported_type", 1, "alternate_rendition", 1));
        assertThat(((ChunkResult.Mapped) r).set().chunks()).hasSize(1);
    }

    @Test
    void htmlIsUsedWhenItIsTheOnlyRendition() {
        DocumentReference d = note("unused");
        d.getContentFirstRep().setAttachment(new Attachment().setContentType("text/html")
                .setData("<h3>Impression</h3><p>No acute disease.</p>".getBytes(StandardCharsets.UTF_8)));
        Chunk c = mapped(TestSupport.upsert("DocumentReference", "note-1", json(d))).chunks().get(0);
        assertThat(c.section()).isEqualTo("Impression");
        assertThat(c.text()).endsWith("\nNo acute disease.");
    }

    @Test
    void noteWithoutTextRetractsEarlierChunks() {
        DocumentReference d = note("x");
        d.getContentFirstRep().setAttachment(new Attachment().setContentType("text/plain").setUrl("Binary/1"));
        ChunkSet set = mapped(TestSupport.upsert("DocumentReference", "note-1", json(d)));
        assertThat(set.op()).isEqualTo(RecordOp.UPSERT);
        assertThat(set.chunks()).isEmpty();
    }

    @Test
    void structuredResourceIsOneChunkWithTheResourceTypeAsNoteType() {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept().setText("Heart rate"));
        o.setValue(new Quantity().setValue(72).setUnit("/min"));
        o.setEncounter(new Reference("Encounter/V77"));
        ChunkSet set = mapped(TestSupport.upsert("Observation", "obs-1", json(o)));
        assertThat(set.noteType()).isEqualTo("Observation");
        assertThat(set.encounterId()).isEqualTo("V77");
        assertThat(set.chunks()).singleElement().satisfies(c -> {
            assertThat(c.text()).isEqualTo("Observation | Encounter/V77\nHeart rate: 72 /min. Status: final.");
            assertThat(c.phiPresent()).isFalse();
            assertThat(c.section()).isEqualTo("Observation");
        });
    }

    @Test
    void unsupportedTypesGiveNothing() {
        Organization o = new Organization();
        o.setName("General Hospital");
        assertThat(chunker.chunk(TestSupport.upsert("Organization", "org-1", json(o))))
                .isEqualTo(new ChunkResult.Unsupported("Organization"));
    }

    @Test
    void badInputIsRejectedWithAReasonCode() {
        assertThat(reason(TestSupport.upsert("Observation", "obs-1", "{not json"))).isEqualTo(
                ReasonCodes.RESOURCE_PARSE_ERROR);
        assertThat(reason(TestSupport.upsert("Observation", "obs-1", "{\"foo\": 1}"))).isEqualTo(
                ReasonCodes.RESOURCE_PARSE_ERROR);
        assertThat(reason(TestSupport.upsert("Condition", "c-1", json(new Observation())))).isEqualTo(
                ReasonCodes.RESOURCE_TYPE_MISMATCH);
        assertThat(reason(TestSupport.upsert("Observation", "bad id/with slash", json(new Observation()))))
                .isEqualTo(ReasonCodes.INVALID_SOURCE_ID);
        FhirRecord badKey = new FhirRecord("MRN12345", RecordOp.DELETE, "Observation", "obs-1", null, null, null,
                TestSupport.provenance());
        assertThat(reason(badKey)).isEqualTo(ReasonCodes.INVALID_PATIENT_KEY);
        DocumentReference latin1 = note("x");
        latin1.getContentFirstRep().getAttachment().setData(new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertThat(reason(TestSupport.upsert("DocumentReference", "note-1", json(latin1))))
                .isEqualTo(ReasonCodes.ATTACHMENT_DECODE_ERROR);
    }

    private String reason(FhirRecord rec) {
        ChunkResult r = chunker.chunk(rec);
        assertThat(r).isInstanceOf(ChunkResult.Rejected.class);
        return ((ChunkResult.Rejected) r).reasonCode();
    }
}
