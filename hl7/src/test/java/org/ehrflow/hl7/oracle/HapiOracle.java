package org.ehrflow.hl7.oracle;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * HAPI HL7v2 as the reference reader: {@code PipeParser} with validation off over one canonical model (v2.6
 * structures read every version), values by {@link Terser#get(ca.uhn.hl7v2.model.Segment, int, int, int, int)}.
 */
public final class HapiOracle {

    private final PipeParser parser;

    public HapiOracle() {
        HapiContext ctx = new DefaultHapiContext();
        ctx.setValidationContext(ValidationContextFactory.noValidation());
        ctx.getParserConfiguration().setValidating(false);
        ctx.getParserConfiguration().setAllowUnknownVersions(true);
        ctx.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
        parser = ctx.getPipeParser();
    }

    public Message parse(String er7) throws HL7Exception {
        return parser.parse(er7);
    }

    /** Every segment of the parsed message, in structure order (which keeps message order per segment name). */
    public static List<ca.uhn.hl7v2.model.Segment> segments(Message m) throws HL7Exception {
        List<ca.uhn.hl7v2.model.Segment> out = new ArrayList<>();
        walk(m, out);
        return out;
    }

    private static void walk(Group g, List<ca.uhn.hl7v2.model.Segment> out) throws HL7Exception {
        for (String name : g.getNames()) {
            for (Structure s : g.getAll(name)) {
                if (s instanceof ca.uhn.hl7v2.model.Segment seg) {
                    if (!seg.isEmpty()) {
                        out.add(seg);
                    }
                } else if (s instanceof Group child) {
                    walk(child, out);
                }
            }
        }
    }

    /** Terser's value at (field, rep 0-based, component, subcomponent), or null where HAPI cannot address it. */
    public static String get(ca.uhn.hl7v2.model.Segment s, int field, int rep, int comp, int sub) {
        try {
            return Terser.get(s, field, rep, comp, sub);
        } catch (HL7Exception | RuntimeException e) {
            return null;
        }
    }
}
