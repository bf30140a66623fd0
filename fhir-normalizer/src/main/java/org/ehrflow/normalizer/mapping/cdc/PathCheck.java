package org.ehrflow.normalizer.mapping.cdc;

import java.util.ArrayList;
import java.util.List;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.Element;
import org.ehrflow.cdcmap.MappingException;
import org.ehrflow.cdcmap.Problem;
import org.ehrflow.cdcmap.TableMapping;
import org.ehrflow.normalizer.mapping.CodeTable;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.ResourceFactory;

/**
 * Start-up check of what only the FHIR model knows: each table's resource type exists, each element path names
 * elements of it, each function and code table exists. All problems at once, with file and line.
 */
final class PathCheck {

    private PathCheck() {
    }

    static void require(CdcMapping mapping) {
        List<Problem> problems = new ArrayList<>();
        for (TableMapping t : mapping.all()) {
            Base root;
            try {
                root = ResourceFactory.createResource(t.resource());
            } catch (FHIRException e) {
                problems.add(new Problem(mapping.file(), t.line(), "table " + t.name() + ": unknown FHIR R4 resource '"
                        + t.resource() + "'"));
                continue;
            }
            if ("function".equals(t.id().kind()) && !CdcFunctions.IDS.contains(t.id().function())) {
                problems.add(new Problem(mapping.file(), t.id().line(), "unknown id function '" + t.id().function()
                        + "' (known: " + CdcFunctions.IDS + ")"));
            }
            for (Element e : t.elements()) {
                String bad = path(root.copy(), e.path());
                if (bad != null) {
                    problems.add(new Problem(mapping.file(), e.line(), "table " + t.name() + ": " + t.resource()
                            + " has no element '" + bad + "' (path " + e.path() + ")"));
                }
                if ("function".equals(e.kind()) && !CdcFunctions.VALUES.contains(e.function())) {
                    problems.add(new Problem(mapping.file(), e.line(), "unknown function '" + e.function()
                            + "' (known: " + CdcFunctions.VALUES + ")"));
                }
                if (e.codeTable() != null) {
                    try {
                        CodeTable.load(e.codeTable());
                    } catch (IllegalStateException ex) {
                        problems.add(new Problem(mapping.file(), e.line(), "unknown code table '" + e.codeTable()
                                + "'"));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new MappingException(problems);
        }
    }

    /** The first segment of {@code path} the model does not have, or null when all exist. */
    private static String path(Base cur, String path) {
        String[] segs = path.split("\\.");
        for (int i = 0; i < segs.length; i++) {
            String name = FhirPath.name(segs[i]);
            Property p = cur.getNamedProperty(name);
            if (p == null) {
                return segs[i];
            }
            if (i < segs.length - 1) {
                try {
                    cur = cur.makeProperty(name.hashCode(), name);
                } catch (FHIRException e) {
                    return segs[i];
                }
            }
        }
        return null;
    }
}
