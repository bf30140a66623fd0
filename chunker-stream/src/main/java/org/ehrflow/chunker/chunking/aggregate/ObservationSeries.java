package org.ehrflow.chunker.chunking.aggregate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ehrflow.chunker.chunking.model.ContextHeader;
import org.ehrflow.chunker.chunking.model.ResourceRefs;
import org.ehrflow.chunker.chunking.render.FhirText;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;

/**
 * Per patient and observation code, the series of its results as one compact chunk ("trend", "most recent",
 * "first" questions then find one chunk instead of one encounter story per result): a header naming the code,
 * a line "n results, first to last, newest first:", then one "date: value unit (flag)" line per result, newest
 * first, as many as fit one chunk; when they do not all fit, the last line is the first result on record. Pure.
 */
public final class ObservationSeries {

    public static final String NOTE_TYPE = "Observation series";
    public static final String RESOURCE_TYPE = "Observation";
    static final String LOINC = "http://loinc.org";
    /** Newest first (undated last), ties by reference so re-emission is deterministic. */
    static final Comparator<SeriesPoint> NEWEST_FIRST = Comparator
            .comparing((SeriesPoint p) -> p.time() != null ? p.time() : p.date(),
                    Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(SeriesPoint::ref);

    private ObservationSeries() {
    }

    /** The result {@code o} adds to its code's series, or null (no code, no date or no value: nothing to trend). */
    public static SeriesPoint point(Observation o, String ref) {
        Optional<String> code = code(o.getCode());
        String date = FhirText.dateOf(o.getEffective());
        if (date == null && o.hasIssued()) {
            date = FhirText.date(o.getIssuedElement());
        }
        String value = SeriesValues.value(o);
        if (code.isEmpty() || date == null || value == null) {
            return null;
        }
        return new SeriesPoint(ref, code.get(), label(o.getCode()), date, ResourceRefs.clinicalTime(o), value,
                SeriesValues.flag(o.getInterpretation()));
    }

    /** The series set's sourceId: "Observation/series-" + 32 hex of the code (the same for every patient, so a
     *  merge's moved rows and the survivor's re-emitted series are one source). */
    public static String sourceId(String code) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
            return RESOURCE_TYPE + "/series-" + HexFormat.of().formatHex(d).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
    }

    public static List<SeriesPoint> newestFirst(List<SeriesPoint> points) {
        List<SeriesPoint> sorted = new ArrayList<>(points);
        sorted.sort(NEWEST_FIRST);
        return sorted;
    }

    public static ContextHeader header() {
        return new ContextHeader(NOTE_TYPE, null, null);
    }

    /**
     * The points a chunk of the {@code shown} newest results states: those, plus the first result on record when
     * older ones are left out.
     */
    public static List<SeriesPoint> stated(List<SeriesPoint> newestFirst, int shown) {
        List<SeriesPoint> out = new ArrayList<>(newestFirst.subList(0, shown));
        if (shown < newestFirst.size()) {
            out.add(newestFirst.get(newestFirst.size() - 1));
        }
        return out;
    }

    /** The body for the {@code shown} newest results of {@code newestFirst} (non-empty). */
    public static String body(List<SeriesPoint> newestFirst, int shown) {
        int n = newestFirst.size();
        StringBuilder sb = new StringBuilder();
        sb.append(n == 1 ? "1 result, " + newestFirst.get(0).date()
                : n + " results, " + newestFirst.get(n - 1).date() + " to " + newestFirst.get(0).date())
                .append(", newest first:");
        for (int i = 0; i < shown; i++) {
            sb.append('\n').append(newestFirst.get(i).line());
        }
        if (shown < n) {
            sb.append("\nfirst result ").append(newestFirst.get(n - 1).line());
        }
        return sb.toString();
    }

    static Optional<String> code(CodeableConcept cc) {
        for (Coding c : cc.getCoding()) {
            if (LOINC.equals(c.getSystem()) && c.hasCode()) {
                return Optional.of(LOINC + "|" + c.getCode().strip());
            }
        }
        for (Coding c : cc.getCoding()) {
            if (c.hasSystem() && c.hasCode()) {
                return Optional.of(c.getSystem().strip() + "|" + c.getCode().strip());
            }
        }
        String text = FhirText.concept(cc);
        return text == null || text.isBlank() ? Optional.empty()
                : Optional.of("text|" + text.replaceAll("\\p{Cntrl}", "").strip().toLowerCase(Locale.ROOT));
    }

    private static String label(CodeableConcept cc) {
        String name = FhirText.concept(cc);
        String loinc = cc.getCoding().stream().filter(c -> LOINC.equals(c.getSystem()) && c.hasCode())
                .map(Coding::getCode).findFirst().orElse(null);
        return name == null ? "LOINC " + loinc : loinc == null ? name : name + " (LOINC " + loinc + ")";
    }
}
