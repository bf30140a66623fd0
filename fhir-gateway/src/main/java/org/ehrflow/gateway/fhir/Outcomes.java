package org.ehrflow.gateway.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/**
 * OperationOutcomes the gateway answers with. Every text here is fixed or names element paths, counts and resource
 * types; none carries a value from the request (values are PHI).
 */
public final class Outcomes {

    private Outcomes() {
    }

    /** One error issue. */
    public static OperationOutcome error(IssueType code, String diagnostics, String... expressions) {
        OperationOutcome oo = new OperationOutcome();
        add(oo, IssueSeverity.ERROR, code, diagnostics, List.of(expressions));
        return oo;
    }

    /** One issue per parse finding, each with its element path. */
    public static OperationOutcome invalid(List<ParseIssue> issues) {
        OperationOutcome oo = new OperationOutcome();
        for (ParseIssue i : issues) {
            add(oo, IssueSeverity.ERROR, IssueType.INVALID, i.message(), List.of(i.path()));
        }
        return oo;
    }

    /** A success note (for a write answered without the resource). */
    public static OperationOutcome accepted(String diagnostics) {
        OperationOutcome oo = new OperationOutcome();
        add(oo, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, diagnostics, List.of());
        return oo;
    }

    private static void add(OperationOutcome oo, IssueSeverity severity, IssueType code, String diagnostics,
            List<String> expressions) {
        OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue().setSeverity(severity).setCode(code)
                .setDiagnostics(diagnostics);
        for (String e : expressions) {
            issue.getExpression().add(new StringType(e));
        }
    }
}
