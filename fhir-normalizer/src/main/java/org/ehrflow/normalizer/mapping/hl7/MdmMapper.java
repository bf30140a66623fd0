package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.model.Segment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.schemas.FhirRecord;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;

/**
 * MDM^T02 -> DocumentReference (V2-to-FHIR IG "TXA[DocumentReference]"): type TXA-2 (table 0270), id and
 * identifier from the unique document number TXA-12 (else MSH-10), status from availability TXA-19, docStatus from
 * completion TXA-17, date = authentication time TXA-22.15, else origination TXA-6, else activity TXA-4, else MSH-7;
 * context.period.start = TXA-4. Content: the text of every TX/FT/ST OBX after TXA joined with newlines, as a
 * text/plain attachment; a Base64 ED OBX becomes a further attachment with its own MIME type.
 */
final class MdmMapper implements MessageMapper {

    private static final CodeTable TYPES = CodeTable.load("document-type");
    private static final CodeTable COMPLETION = CodeTable.load("document-completion");
    private static final CodeTable AVAILABILITY = CodeTable.load("document-availability");
    private static final String V2_0270 = "http://terminology.hl7.org/CodeSystem/v2-0270";

    @Override
    public List<FhirRecord> map(Hl7Context ctx) {
        Segment txa = ctx.first("TXA");
        DocumentReference d = new DocumentReference();
        String docNumber = txa == null ? null : Hl7Fields.get(txa, 12, 0, 1, 1); // TXA.12.1
        if (docNumber != null) {
            String ns = ObservationSegmentMapper.firstNonNull(Hl7Fields.get(txa, 12, 0, 2, 1),
                    Hl7Fields.get(txa, 12, 0, 3, 1), ctx.header().defaultAuthority()); // TXA.12.2 / 12.3
            d.setId(Ids.documentReference(ns, docNumber));
            d.setMasterIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(ctx.systemFor(ns)).setValue(docNumber));
        } else {
            d.setId("doc-" + Ids.h("DocumentReference|msg|" + ctx.header().sendingSystem() + "|"
                    + ctx.header().controlId()));
        }
        d.setStatus(DocumentReferenceStatus.fromCode(
                AVAILABILITY.getOrDefault(txa == null ? null : Hl7Fields.get(txa, 19), "current"))); // TXA.19
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
        content(d, ctx);
        return List.of(ctx.upsert(d));
    }

    private static void dates(DocumentReference d, Segment txa, Hl7Context ctx) {
        String activity = txa == null ? null : Hl7Fields.get(txa, 4); // TXA.4
        String date = txa == null ? null : ObservationSegmentMapper.firstNonNull(
                Hl7Fields.get(txa, 22, 0, 15, 1), Hl7Fields.get(txa, 6), activity); // TXA.22.15 / TXA.6
        java.time.Instant when = ctx.time().toInstant(date != null ? date : ctx.header().messageTime());
        if (when != null) {
            // As a string: a java.util.Date would be encoded in the JVM's zone, and bytes must not depend on it.
            d.getDateElement().setValueAsString(when.toString());
        }
        String start = ctx.time().toDateTime(activity);
        if (start != null) {
            d.getContext().getPeriod().getStartElement().setValueAsString(start);
        }
    }

    private static void content(DocumentReference d, Hl7Context ctx) {
        List<String> lines = new ArrayList<>();
        List<Attachment> binaries = new ArrayList<>();
        boolean afterTxa = false;
        for (Segment s : ctx.segments()) {
            if (s.getName().equals("TXA")) {
                afterTxa = true;
            } else if (afterTxa && s.getName().equals("OBX")) {
                String type = String.valueOf(Hl7Fields.get(s, 2)).toUpperCase(Locale.ROOT); // OBX.2
                if (type.equals("TX") || type.equals("FT") || type.equals("ST")) {
                    String text = ObxValues.text(s); // OBX.5
                    lines.add(text == null ? "" : text);
                } else if (type.equals("ED") && "BASE64".equalsIgnoreCase(Hl7Fields.get(s, 5, 0, 4, 1))) {
                    String data = Hl7Fields.get(s, 5, 0, 5, 1); // ED.5
                    byte[] bytes = base64(data);
                    if (bytes != null) {
                        binaries.add(new Attachment().setContentType(Hl7Fields.get(s, 5, 0, 2, 1) + "/"
                                + Hl7Fields.get(s, 5, 0, 3, 1)).setData(bytes));
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
        }
    }

    private static byte[] base64(String data) {
        try {
            return data == null ? null : Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            return null; // a broken embedded binary should not cost the document its text
        }
    }
}
