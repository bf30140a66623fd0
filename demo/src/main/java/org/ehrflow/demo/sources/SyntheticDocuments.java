package org.ehrflow.demo.sources;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.ehrflow.runtime.identity.PatientKeyResolver;

/**
 * Synthetic clinical documents for the demo and the end-to-end test (no real patient data): a scanned pathology
 * report (a PDF that is only an image, as a fax makes it: OCR is the only way to read it) sent as an HL7 ORU
 * {@code ED}, a windows-1252 newborn-screening report in HTML sent the same way, and a FHIR Bundle whose
 * DocumentReference points at a C-CDA by {@code Binary/<id>}.
 */
public final class SyntheticDocuments {

    /** The documents' patient: MRN under the hospital's authority (HL7 HOSP, FHIR {@link #MRN_SYSTEM}). */
    public static final String MRN = "DOCS-0001";
    public static final String MRN_SYSTEM = PatientKeyResolver.DEFAULT_MRN_SYSTEM;
    public static final String CCDA_BINARY_ID = "ccda-progress-1";

    private SyntheticDocuments() {
    }

    /** A one-page scan (150 dpi, slightly noisy) of a typed pathology report, with no text layer. */
    public static byte[] scannedPathologyPdf() {
        String[] lines = {"SURGICAL PATHOLOGY REPORT", "", "SPECIMEN: Left breast, core needle biopsy.",
            "DIAGNOSIS: Fibroadenoma. No atypia or malignancy identified.", "",
            "COMMENT: Findings are concordant with the imaging impression."};
        BufferedImage img = new BufferedImage(1275, 1650, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, 30));
        int y = 160;
        for (String line : lines) {
            g.drawString(line, 110, y);
            y += 46;
        }
        g.dispose();
        Random r = new Random(12);
        for (int i = 0; i < img.getWidth() * img.getHeight() / 800; i++) {
            img.setRGB(r.nextInt(img.getWidth()), r.nextInt(img.getHeight()), 0x000000);
        }
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(PDRectangle.LETTER);
            doc.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.drawImage(LosslessFactory.createFromImage(doc, img), 0, 0, PDRectangle.LETTER.getWidth(),
                        PDRectangle.LETTER.getHeight());
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A newborn-screening report in windows-1252 that says so only in its own {@code <meta>}. */
    public static byte[] newbornScreenHtml() {
        String html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
                + "<title>NBS</title></head><body><h2>Newborn screening panel</h2><table>"
                + "<tr><th>Disorder</th><th>Résultat</th></tr>"
                + "<tr><td>Phenylketonuria (PKU)</td><td>Normal – no follow-up needed</td></tr>"
                + "<tr><td>Congenital hypothyroidism</td><td>Normal – TSH 4 mIU/L</td></tr>"
                + "<tr><td>Cystic fibrosis (IRT)</td><td>Borderline – repeat screen in 2 weeks</td></tr>"
                + "</table></body></html>";
        return html.getBytes(Charset.forName("windows-1252"));
    }

    /** ORU^R01 whose OBX-5 is an {@code ED}: ED.2 type, ED.3 subtype, ED.4 Base64, ED.5 the document. */
    public static String oruWithDocument(String controlId, String filler, String loinc, String edType,
            String edSubtype, byte[] document) {
        return String.join("\r",
                "MSH|^~\\&|LAB|HOSP|EHRFLOW|HOSP|20260104090000||ORU^R01^ORU_R01|" + controlId + "|P|2.5.1",
                // PID-3 MRN with authority HOSP (the demo MRN system)
                "PID|1||" + MRN + "^^^HOSP^MR||Docpatient^Riley||19900101|F",
                // OBR-3 filler order number identifies the DiagnosticReport; OBR-4 the report type
                "OBR|1||" + filler + "|" + loinc + "|||20260104083000",
                // OBX-2 ED: the report itself, base64 (becomes DiagnosticReport.presentedForm)
                "OBX|1|ED|" + loinc + "||^" + edType + "^" + edSubtype + "^Base64^"
                        + Base64.getEncoder().encodeToString(document) + "||||||F",
                "");
    }

    /** A FHIR Bundle: the patient and a DocumentReference whose C-CDA is only {@code Binary/<id>}. */
    public static String documentReferenceBundle() {
        return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:5a3c2c9e-0000-4000-8000-000000000001\",\"resource\":{\"resourceType\":"
                + "\"Patient\",\"id\":\"docs-patient-1\",\"identifier\":[{\"type\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"system\":\"" + MRN_SYSTEM
                + "\",\"value\":\"" + MRN + "\"}],\"name\":[{\"family\":\"Docpatient\",\"given\":[\"Riley\"]}]}},"
                + "{\"fullUrl\":\"urn:uuid:5a3c2c9e-0000-4000-8000-000000000002\",\"resource\":{\"resourceType\":"
                + "\"DocumentReference\",\"id\":\"ccda-doc-1\",\"status\":\"current\",\"type\":{\"coding\":[{"
                + "\"system\":\"http://loinc.org\",\"code\":\"11506-3\",\"display\":\"Progress note\"}]},"
                + "\"subject\":{\"reference\":\"urn:uuid:5a3c2c9e-0000-4000-8000-000000000001\"},\"date\":"
                + "\"2026-01-04T09:00:00Z\",\"content\":[{\"attachment\":{\"contentType\":\"application/hl7-v3+xml\","
                + "\"url\":\"Binary/" + CCDA_BINARY_ID + "\"}}]}}]}";
    }
}
