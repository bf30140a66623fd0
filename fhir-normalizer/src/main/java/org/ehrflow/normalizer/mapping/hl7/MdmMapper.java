package org.ehrflow.normalizer.mapping.hl7;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ehrflow.hl7.Hl7Fields;
import org.ehrflow.hl7.Segment;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;

/**
 * MDM^T01-T11 -> DocumentReference (V2-to-FHIR IG "TXA[DocumentReference]"): type TXA-2 (table 0270), id and
 * identifier from the unique document number TXA-12 (else MSH-10), status from availability TXA-19, docStatus from
 * completion TXA-17, date = authentication time TXA-22.15, else origination TXA-6, else activity TXA-4, else MSH-7;
 * context.period.start = TXA-4. Content: the text of every TX/FT/ST OBX after TXA joined with newlines, as a
 * text/plain attachment; a Base64 ED OBX becomes a further attachment with its own MIME type, an RP OBX pointing
 * at a document an attachment by URL ({@link ObxAttachments}).
 *
 * <p>Events: T02/T04/T06/T08/T10 carry the document and UPSERT it (an edit T08 has the same TXA-12, so it replaces);
 * T09/T10 with a parent TXA-13 add {@code relatesTo replaces} and DELETE the parent; T05/T06 add {@code appends};
 * T03/T07/T09 without content yield nothing (they must not blank the stored text); T01 upserts the metadata; T11
 * (cancel) and TXA-19 CA are a DELETE of the DocumentReference.
 */
final class MdmMapper implements MessageMapper {

    private static final CodeTable TYPES = CodeTable.load("document-type");
    private static final CodeTable COMPLETION = CodeTable.load("document-completion");
    private static final CodeTable AVAILABILITY = CodeTable.load("document-availability");
    private static final String V2_0270 = "http://terminology.hl7.org/CodeSystem/v2-0270";

    /** Notifications that carry no document of their own: without content they must not blank the stored one. */
    private static final Set<String> STATUS_ONLY = Set.of("T03", "T07", "T09");

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        Segment txa = ctx.use(ctx.first("TXA"));
        DocumentReference d = new DocumentReference();
        String docNumber = txa == null ? null : Hl7Fields.get(txa, 12, 0, 1, 1); // TXA.12.1
        if (docNumber != null) {
            String ns = ObservationSegmentMapper.firstNonNull(Hl7Fields.get(txa, 12, 0, 2, 1),
                    Hl7Fields.get(txa, 12, 0, 3, 1), ctx.header().defaultAuthority()); // TXA.12.2 / 12.3
            d.setId(Ids.documentReference(ns, docNumber));
            d.setMasterIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(ctx.systemFor(ns))
                    .setValue(docNumber));
        } else {
            d.setId("doc-" + Ids.h("DocumentReference|msg|" + ctx.header().sendingSystem() + "|"
                    + ctx.header().controlId()));
        }
        d.setStatus(DocumentReferenceStatus.fromCode(
                AVAILABILITY.getOrDefault(txa == null ? null : Hl7Fields.get(txa, 19), "current"))); // TXA.19
        String event = ctx.header().event();
        if ("T11".equals(event) || d.getStatus() == DocumentReferenceStatus.ENTEREDINERROR) {
            ctx.all("OBX").forEach(ctx::use);
            return List.of(ctx.delete("DocumentReference", d.getIdElement().getIdPart())); // cancel / TXA.19 CA
        }
        String completion = txa == null ? null : COMPLETION.get(Hl7Fields.get(txa, 17)); // TXA.17
        if (completion != null) {
            d.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(completion));
        }
        String typeCode = txa == null ? null : Hl7Fields.get(txa, 2); // TXA.2
        if (typeCode != null) {
            String display = TYPES.get(typeCode);
            d.setType(new CodeableConcept().addCoding(new Coding(V2_0270, typeCode.toUpperCase(Locale.ROOT), display))
                    .setText(display != null ? display : typeCode));
        }
        d.setSubject(ctx.patientRef());
        dates(d, txa, ctx);
        if (ctx.encounterRef() != null) {
            d.getContext().addEncounter(ctx.encounterRef());
        }
        boolean hasContent = content(d, ctx);
        if (!hasContent && STATUS_ONLY.contains(event)) {
            return List.of(); // a status/edit/replacement notification without the document: nothing to replace
        }
        List<FhirRecord> out = new ArrayList<>();
        String parent = txa == null ? null : Hl7Fields.get(txa, 13, 0, 1, 1); // TXA.13.1 parent document number
        if (parent != null) {
            String parentNs = ObservationSegmentMapper.firstNonNull(Hl7Fields.get(txa, 13, 0, 2, 1),
                    ctx.header().defaultAuthority()); // TXA.13.2
            String parentId = Ids.documentReference(parentNs, parent);
            boolean replaces = "T09".equals(event) || "T10".equals(event);
            if (!parentId.equals(d.getIdElement().getIdPart())) {
                d.addRelatesTo().setCode(replaces ? DocumentReference.DocumentRelationshipType.REPLACES
                        : DocumentReference.DocumentRelationshipType.APPENDS)
                        .setTarget(new org.hl7.fhir.r4.model.Reference("DocumentReference/" + parentId));
                if (replaces) {
                    out.add(ctx.delete("DocumentReference", parentId)); // the replaced original leaves the index
                }
            }
        }
        out.add(ctx.upsert(d));
        return out;
    }

    private static void dates(DocumentReference d, Segment txa, Hl7Context ctx) {
        String activity = txa == null ? null : Hl7Fields.get(txa, 4); // TXA.4
        String date = txa == null ? null : ObservationSegmentMapper.firstNonNull(
                Hl7Fields.get(txa, 22, 0, 15, 1), Hl7Fields.get(txa, 6), activity); // TXA.22.15 / TXA.6
        Instant when = ctx.time().toInstant(date != null ? date : ctx.header().messageTime());
        if (when != null) {
            // As a string: a java.util.Date would be encoded in the JVM's zone, and bytes must not depend on it.
            d.getDateElement().setValueAsString(when.toString());
        }
        String start = ctx.time().toDateTime(activity);
        if (start != null) {
            d.getContext().getPeriod().getStartElement().setValueAsString(start);
        }
    }

    /** Adds the attachments; true if the message carried any document content. */
    private static boolean content(DocumentReference d, Hl7Context ctx) {
        List<String> lines = new ArrayList<>();
        List<Attachment> binaries = new ArrayList<>();
        boolean afterTxa = false;
        for (Segment s : ctx.segments()) {
            if (s.getName().equals("TXA")) {
                afterTxa = true;
            } else if (afterTxa && s.getName().equals("OBX")) {
                ctx.use(s);
                String type = String.valueOf(Hl7Fields.get(s, 2)).toUpperCase(Locale.ROOT); // OBX.2
                if (type.equals("TX") || type.equals("FT") || type.equals("ST")) {
                    String text = ObxValues.text(s); // OBX.5
                    lines.add(text == null ? "" : text);
                } else if (type.equals("ED") || type.equals("RP")) {
                    Attachment a = ObxAttachments.of(s);
                    if (a != null) {
                        binaries.add(a);
                    }
                }
            }
        }
        if (!lines.isEmpty()) {
            d.addContent().setAttachment(new Attachment().setContentType("text/plain")
                    .setData(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        }
        binaries.forEach(b -> d.addContent().setAttachment(b));
        if (d.getContent().isEmpty()) {
            // content is 1..1 in R4: a document without text still says what it would have been.
            d.addContent().setAttachment(new Attachment().setContentType("text/plain"));
            return false;
        }
        return true;
    }
}
