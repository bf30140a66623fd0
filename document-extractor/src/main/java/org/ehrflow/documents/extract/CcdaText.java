package org.ehrflow.documents.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.ehrflow.documents.error.ReasonCodes;
import org.ehrflow.schemas.Citation;
import org.ehrflow.schemas.DocumentSection;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * C-CDA (any CDA R2 document): a structured body becomes one section per {@code <section>} (nested ones too),
 * titled by the section title and cited by its LOINC code, narrative rendered by {@link CcdaNarrative}; an
 * unstructured body ({@code nonXMLBody}) with inline base64 content is handed back to the extractor for its
 * media type; one that only references a file is rejected (there is nothing to fetch it from). Header facts
 * (document type, date, author, encounter, confidentiality) go to metadata. The parser refuses DTDs and
 * external entities (XXE).
 */
final class CcdaText {

    static final String V3 = "urn:hl7-org:v3";
    private static final String LOINC = "2.16.840.1.113883.6.1";

    /** Extracts an embedded document (nonXMLBody): bytes and declared media type. */
    interface Embedded {
        Extraction extract(byte[] data, String mediaType, String attachment) throws DocumentFailure;
    }

    private final ExtractionLimits limits;

    CcdaText(ExtractionLimits limits) {
        this.limits = limits;
    }

    Extraction extract(byte[] data, Embedded embedded) throws DocumentFailure {
        Element root = parse(data).getDocumentElement();
        Map<String, String> md = header(root);
        Element body = child(child(root, "component"), "structuredBody");
        if (body != null) {
            List<DocumentSection> sections = new ArrayList<>();
            int[] chars = {0};
            for (Element comp : children(body, "component")) {
                section(child(comp, "section"), null, sections, chars);
            }
            return new Extraction.Extracted(sections, md);
        }
        Element nonXml = child(child(root, "component"), "nonXMLBody");
        Element text = child(nonXml, "text");
        if (text == null) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_EMPTY);
        }
        if (child(text, "reference") != null && text.getTextContent().isBlank()) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_REFERENCE_UNRESOLVABLE);
        }
        String mediaType = text.hasAttribute("mediaType") ? text.getAttribute("mediaType") : "text/plain";
        byte[] content;
        try {
            content = "B64".equalsIgnoreCase(text.getAttribute("representation"))
                    ? Base64.getMimeDecoder().decode(text.getTextContent().strip())
                    : text.getTextContent().getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, e);
        }
        Extraction inner = embedded.extract(content, mediaType, "nonXMLBody");
        if (inner instanceof Extraction.Extracted x) {
            Map<String, String> all = new TreeMap<>(x.metadata());
            all.putAll(md);
            return new Extraction.Extracted(x.sections(), all);
        }
        return inner;
    }

    private void section(Element s, String parentTitle, List<DocumentSection> out, int[] chars)
            throws DocumentFailure {
        if (s == null) {
            return;
        }
        Element code = child(s, "code");
        Element titleEl = child(s, "title");
        String title = titleEl != null && !titleEl.getTextContent().isBlank()
                ? titleEl.getTextContent().strip().replaceAll("\\s+", " ")
                : code != null && code.hasAttribute("displayName") ? code.getAttribute("displayName") : null;
        String sectionCode = code != null && code.hasAttribute("code")
                ? (LOINC.equals(code.getAttribute("codeSystem")) ? "LOINC|" : "") + code.getAttribute("code")
                : null;
        Element text = child(s, "text");
        if (text != null) {
            String body = CcdaNarrative.render(text).strip();
            chars[0] += body.length();
            if (chars[0] > limits.maxChars()) {
                throw new DocumentFailure(ReasonCodes.DOCUMENT_TOO_LARGE);
            }
            if (!body.isEmpty()) {
                String full = parentTitle == null || title == null ? title : parentTitle + " - " + title;
                out.add(new DocumentSection(full, body, Citation.of(null, null, sectionCode, null)));
            }
        }
        for (Element comp : children(s, "component")) {
            section(child(comp, "section"), title, out, chars);
        }
    }

    private static Map<String, String> header(Element root) {
        Map<String, String> md = new TreeMap<>();
        Element code = child(root, "code");
        if (code != null && code.hasAttribute("code")) {
            md.put("ccda.documentCode", code.getAttribute("code"));
        }
        if (code != null && code.hasAttribute("displayName")) {
            md.put("ccda.documentType", code.getAttribute("displayName"));
        }
        Element title = child(root, "title");
        if (title != null && !title.getTextContent().isBlank()) {
            md.put("ccda.title", title.getTextContent().strip().replaceAll("\\s+", " "));
        }
        Element time = child(root, "effectiveTime");
        if (time != null && time.hasAttribute("value")) {
            md.put("ccda.effectiveTime", time.getAttribute("value"));
        }
        Element conf = child(root, "confidentialityCode");
        if (conf != null && conf.hasAttribute("code")) {
            md.put("ccda.confidentiality", conf.getAttribute("code"));
        }
        Element org = child(child(child(root, "author"), "assignedAuthor"), "representedOrganization");
        Element orgName = child(org, "name");
        if (orgName != null && !orgName.getTextContent().isBlank()) {
            md.put("ccda.authorOrganization", orgName.getTextContent().strip().replaceAll("\\s+", " "));
        }
        Element person = child(child(child(root, "author"), "assignedAuthor"), "assignedPerson");
        Element name = child(person, "name");
        if (name != null && !name.getTextContent().isBlank()) {
            md.put("ccda.author", name.getTextContent().strip().replaceAll("\\s+", " "));
        }
        Element enc = child(child(child(root, "componentOf"), "encompassingEncounter"), "id");
        if (enc != null) {
            md.put("ccda.encounterId", enc.hasAttribute("extension") ? enc.getAttribute("extension")
                    : enc.getAttribute("root"));
        }
        return md;
    }

    private static Document parse(byte[] data) throws DocumentFailure {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // The default handler prints parser messages (which quote the document) to stderr: throw instead.
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b.parse(new ByteArrayInputStream(data));
        } catch (SAXException | IOException e) {
            throw new DocumentFailure(ReasonCodes.DOCUMENT_CORRUPT, null, e);
        } catch (ParserConfigurationException e) {
            throw new DocumentFailure(ReasonCodes.EXTRACTION_ERROR, null, e);
        }
    }

    static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && localName.equals(e.getLocalName()) && V3.equals(e.getNamespaceURI())) {
                return e;
            }
        }
        return null;
    }

    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && localName.equals(e.getLocalName()) && V3.equals(e.getNamespaceURI())) {
                out.add(e);
            }
        }
        return out;
    }
}
