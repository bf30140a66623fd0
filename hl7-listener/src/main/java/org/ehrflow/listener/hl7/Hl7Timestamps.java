package org.ehrflow.listener.hl7;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 DTM/TS ({@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}) to an instant. Day precision at least is
 * required (a year or month is not an event time). Without an offset the sender's zone is unknown; the
 * configured zone is assumed.
 */
public final class Hl7Timestamps {

    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?)?)?([+-]\\d{4})?");

    private Hl7Timestamps() {
    }

    /** The instant of {@code dtm}, if it is a valid timestamp of at least day precision. */
    public static Optional<Instant> parse(String dtm, ZoneId assumedZone) {
        Matcher m = DTM.matcher(dtm.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int nanos = m.group(7) == null ? 0
                    : Integer.parseInt((m.group(7) + "000000000").substring(0, 9));
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), num(m.group(4)), num(m.group(5)), num(m.group(6)), nanos);
            ZoneId zone = m.group(8) == null ? assumedZone : ZoneOffset.of(m.group(8).substring(0, 3) + ":"
                    + m.group(8).substring(3));
            return Optional.of(local.atZone(zone).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int num(String g) {
        return g == null ? 0 : Integer.parseInt(g);
    }
}
