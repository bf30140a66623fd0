package org.ehrflow.normalizer.mapping.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.parser.UnexpectedSegmentBehaviourEnum;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * Parses ER7 text of any HL7 v2 version into the one canonical v2.5.1 model (validation off), after the
 * pre-normalisation real feeds need: UTF-8 BOM stripped, LF and CRLF segment terminators turned into CR, blank
 * lines dropped, and the doubled-backslash MSH-2 quirk ({@code ^~\\&}) repaired.
 */
public final class Hl7Parser {

    /** One HapiContext per process: it is thread-safe and costly to build. */
    private static final HapiContext HAPI = createContext();

    private Hl7Parser() {
    }

    private static HapiContext createContext() {
        HapiContext ctx = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
        ctx.setValidationContext(ValidationContextFactory.noValidation());
        ParserConfiguration pc = ctx.getParserConfiguration();
        pc.setValidating(false);
        pc.setAllowUnknownVersions(true);
        // An OBX without or with an unknown OBX-2 still parses; its value reads as text.
        pc.setDefaultObx2Type("ST");
        pc.setInvalidObx2Type("ST");
        pc.setUnexpectedSegmentBehaviour(UnexpectedSegmentBehaviourEnum.ADD_INLINE);
        return ctx;
    }

    /** Pre-normalised ER7 text: what {@link #parse} hands to HAPI. */
    public static String normalise(String er7) {
        String s = er7;
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        s = s.replace("\r\n", "\r").replace('\n', '\r');
        while (s.contains("\r\r")) {
            s = s.replace("\r\r", "\r");
        }
        s = s.strip();
        if (s.startsWith("MSH|^~\\\\&|")) {
            s = "MSH|^~\\&|" + s.substring("MSH|^~\\\\&|".length());
        }
        return s;
    }

    /** Parses pre-normalised text; throws {@link HL7Exception} on a parse failure. */
    public static Message parse(String normalised) throws HL7Exception {
        return HAPI.getPipeParser().parse(normalised);
    }

    /**
     * Message type and trigger event ("ADT", "A01") read from the raw MSH-9, before parsing, so unsupported types
     * are told apart from unparsable ones. Null if there is no MSH.
     */
    public static String[] messageType(String normalised) {
        if (!normalised.startsWith("MSH") || normalised.length() < 8) {
            return null;
        }
        int end = normalised.indexOf('\r');
        String msh = end < 0 ? normalised : normalised.substring(0, end);
        char fieldSep = msh.charAt(3);
        char compSep = msh.charAt(4);
        String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(fieldSep)), -1);
        if (fields.length < 9) {
            return null;
        }
        String[] comps = fields[8].split(java.util.regex.Pattern.quote(String.valueOf(compSep)), -1);
        String type = comps[0].strip();
        String event = comps.length > 1 ? comps[1].strip() : "";
        return new String[] {type, event};
    }
}
