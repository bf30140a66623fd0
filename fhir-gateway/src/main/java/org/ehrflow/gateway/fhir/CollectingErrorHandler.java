package org.ehrflow.gateway.fhir;

import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects HAPI's parse findings as {@link ParseIssue}s instead of logging them (HAPI's lenient handler logs the
 * offending value) or throwing on the first (the strict handler's message quotes it). Unknown elements count as
 * issues when {@code rejectUnknown}: the normaliser would drop them silently, so a 2xx would lose data.
 */
final class CollectingErrorHandler implements IParserErrorHandler {

    private final boolean rejectUnknown;
    private final String root;
    private final List<ParseIssue> issues = new ArrayList<>();

    CollectingErrorHandler(boolean rejectUnknown, String root) {
        this.rejectUnknown = rejectUnknown;
        this.root = root;
    }

    List<ParseIssue> issues() {
        return List.copyOf(issues);
    }

    /** FHIR element-name syntax; names outside it are the client's text, not structure, and are not echoed. */
    private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}(\\[x\\])?");

    private static String name(String n) {
        return n == null ? null : ELEMENT.matcher(n).matches() ? n : "(unnamed)";
    }

    private String path(IParseLocation loc, String element) {
        String parent = loc == null ? null : name(loc.getParentElementName());
        element = name(element);
        StringBuilder b = new StringBuilder(root);
        if (parent != null && !parent.equals(root)) {
            b.append('.').append(parent);
        }
        if (element != null) {
            b.append('.').append(element);
        }
        return b.toString();
    }

    @Override
    public void containedResourceWithNoId(IParseLocation loc) {
        issues.add(new ParseIssue(path(loc, "contained"), "contained resource without an id"));
    }

    @Override
    public void incorrectJsonType(IParseLocation loc, String element, ValueType expected, ScalarType expectedScalar,
            ValueType found, ScalarType foundScalar) {
        issues.add(new ParseIssue(path(loc, element), "wrong JSON type: expected " + expected
                + (expectedScalar == null ? "" : " " + expectedScalar) + ", found " + found
                + (foundScalar == null ? "" : " " + foundScalar)));
    }

    @Override
    public void invalidValue(IParseLocation loc, String value, String error) {
        // HAPI's error text quotes the value: only the location is kept.
        issues.add(new ParseIssue(path(loc, null), "invalid value for the element's data type"));
    }

    @Override
    public void missingRequiredElement(IParseLocation loc, String element) {
        issues.add(new ParseIssue(path(loc, element), "required element missing"));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation loc, String element) {
        issues.add(new ParseIssue(path(loc, element), "element repeats but may occur at most once"));
    }

    @Override
    public void unknownAttribute(IParseLocation loc, String attribute) {
        if (rejectUnknown) {
            issues.add(new ParseIssue(path(loc, attribute), "unknown attribute"));
        }
    }

    @Override
    public void unknownElement(IParseLocation loc, String element) {
        if (rejectUnknown) {
            issues.add(new ParseIssue(path(loc, element), "unknown element"));
        }
    }

    @Override
    public void unknownReference(IParseLocation loc, String reference) {
        // Local references ("#x") to missing contained resources: the normaliser ignores them too.
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation loc) {
        issues.add(new ParseIssue(path(loc, "extension"), "extension has both a value and nested extensions"));
    }
}
