package org.ehrflow.documents.extract;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Test documents made here, so every fixture's content is known: PDFs, scans, DOCX, RTF, HTML. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A PDF with a text layer: one page per entry, each line of the entry one text line. */
    public static byte[] textPdf(List<String> pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (String page : pages) {
                PDPage p = new PDPage(PDRectangle.LETTER);
                doc.addPage(p);
                try (PDPageContentStream cs = new PDPageContentStream(doc, p)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    cs.setLeading(16);
                    cs.newLineAtOffset(72, 700);
                    for (String line : page.split("\n")) {
                        cs.showText(line);
                        cs.newLine();
                    }
                    cs.endText();
                }
            }
            return save(doc);
        }
    }

    /** A scanned PDF: each page only an image of its text (no text layer), as a fax or scanner makes it. */
    public static byte[] scannedPdf(List<String> pages, long seed) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (String page : pages) {
                PDPage p = new PDPage(PDRectangle.LETTER);
                doc.addPage(p);
                BufferedImage img = scan(page, seed);
                PDImageXObject x = LosslessFactory.createFromImage(doc, img);
                try (PDPageContentStream cs = new PDPageContentStream(doc, p)) {
                    cs.drawImage(x, 0, 0, PDRectangle.LETTER.getWidth(), PDRectangle.LETTER.getHeight());
                }
            }
            return save(doc);
        }
    }

    /** A PDF that opens only with a user password. */
    public static byte[] encryptedPdf(String text) throws IOException {
        try (PDDocument doc = org.apache.pdfbox.Loader.loadPDF(textPdf(List.of(text)))) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "user-secret",
                    new AccessPermission());
            policy.setEncryptionKeyLength(128);
            doc.protect(policy);
            return save(doc);
        }
    }

    /**
     * A letter-size page at 200 dpi with the text in a 14 pt serif, slightly rotated, with salt-and-pepper
     * noise: what a fax of a typed report looks like to OCR.
     */
    public static BufferedImage scan(String text, long seed) {
        int w = 1700;
        int h = 2200;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setTransform(AffineTransform.getRotateInstance(Math.toRadians(0.6), w / 2.0, h / 2.0));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, 40));
        int y = 200;
        for (String line : text.split("\n")) {
            g.drawString(line, 150, y);
            y += 60;
        }
        g.dispose();
        Random r = new Random(seed);
        for (int i = 0; i < w * h / 400; i++) {
            img.setRGB(r.nextInt(w), r.nextInt(h), r.nextBoolean() ? 0x000000 : 0xffffff);
        }
        return img;
    }

    public static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    /** A multi-page TIFF (Java's built-in TIFF writer). */
    public static byte[] tiff(List<BufferedImage> pages) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (BufferedImage p : pages) {
                writer.writeToSequence(new IIOImage(p, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    public static byte[] docx(List<String> paragraphs) throws IOException {
        try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String p : paragraphs) {
                doc.createParagraph().createRun().setText(p);
            }
            doc.write(out);
            return out.toByteArray();
        }
    }

    public static byte[] truncated(byte[] doc) {
        return Arrays.copyOf(doc, doc.length / 2);
    }

    private static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }
}
