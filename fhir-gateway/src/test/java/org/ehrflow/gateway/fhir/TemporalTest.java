package org.ehrflow.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Temporal} against the oracle it replaced: the R4 specification's regular expressions for date, dateTime,
 * instant and time (hl7.org/fhir/R4/datatypes.html), on hand-picked edge cases and on 200,000 generated strings
 * (random ones over the formats' alphabet, and single-character mutations of valid values).
 */
class TemporalTest {

    private static final String YEAR = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
    private static final String TZ = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
    private static final String CLOCK = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
    private static final Map<String, Pattern> SPEC = Map.of(
            "date", Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"),
            "dateTime", Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T" + CLOCK + TZ
                    + ")?)?)?"),
            "instant", Pattern.compile(YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T" + CLOCK + TZ),
            "time", Pattern.compile(CLOCK));
    private static final Map<String, Predicate<String>> MINE = Map.of("date", Temporal::date,
            "dateTime", Temporal::dateTime, "instant", Temporal::instant, "time", Temporal::time);
    private static final List<String> VALID = List.of("2018", "2018-03", "2018-03-21", "2018-03-21T09:30:00Z",
            "2018-03-21T09:30:00.123+01:00", "2018-12-31T23:59:60-14:00", "2018-12-31T23:59:59+14:00", "0001",
            "9999-12-31T00:00:00.0-13:59", "09:30:00", "23:59:60.999999", "2020-02-30", "1000", "0100-01-01");

    @Test
    void validValuesAndEdgesAgreeWithTheSpecification() {
        List<String> edges = new ArrayList<>(VALID);
        edges.addAll(List.of("", "0000", "0000-01-01", "2018-00", "2018-13", "2018-1", "2018-03-00", "2018-03-32",
                "2018-03-21T", "2018-03-21T09:30Z", "2018-03-21T09:30:00", "2018-03-21T24:00:00Z",
                "2018-03-21T09:60:00Z", "2018-03-21T09:30:61Z", "2018-03-21T09:30:00.Z", "2018-03-21T09:30:00+14:01",
                "2018-03-21T09:30:00+15:00", "2018-03-21T09:30:00+1:00", "2018-03-21T09:30:00z", "2018-03-21 09:30:00Z",
                "\u0662\u0660\u0661\u0668", "24:00:00", "09:30:00Z", "9:30:00", "09:30:00.", "2018-03-21T09:30:00ZZ",
                "20180321", "+2018", "2018-03-21T09:30:00-00:00", "2018-03-21T09:30:00.5-00:60"));
        for (String s : edges) {
            agree(s);
        }
        assertTrue(Temporal.instant("2018-12-31T23:59:60-14:00"));
        assertFalse(Temporal.date("0000"));
    }

    @Test
    void generatedStringsAgreeWithTheSpecification() {
        Random rnd = new Random(20261206);
        String alphabet = "0123456789-:T.Z+ x";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            int len = rnd.nextInt(32);
            for (int j = 0; j < len; j++) {
                b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            agree(b.toString());
        }
        String digitsAndMarks = "0123456789-:T.Z+";
        int valid = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder(VALID.get(rnd.nextInt(VALID.size())));
            int at = rnd.nextInt(b.length() + 1);
            char c = digitsAndMarks.charAt(rnd.nextInt(digitsAndMarks.length()));
            switch (rnd.nextInt(3)) {
                case 0 -> b.insert(at, c);
                case 1 -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < b.length()) {
                        b.setCharAt(at, c);
                    }
                }
            }
            valid += agree(b.toString());
        }
        // Not a vacuous agreement on "invalid": many mutations stay valid (a digit for a digit).
        assertTrue(valid > 20_000, "valid mutations: " + valid);
    }

    /** The number of formats {@code s} is valid in, after checking both sides agree on each. */
    private static int agree(String s) {
        int valid = 0;
        for (String type : SPEC.keySet()) {
            boolean spec = SPEC.get(type).matcher(s).matches();
            assertEquals(spec, MINE.get(type).test(s), type + " of '" + s + "'");
            valid += spec ? 1 : 0;
        }
        return valid;
    }
}
