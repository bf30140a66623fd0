package org.ehrflow.hl7;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 DTM/TS values ({@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}, v2.5.1 section 2A.22) with their
 * precision and offset: as FHIR-style date and dateTime strings (precision kept) and as instants. A value without
 * an offset is read in the configured default zone. Unreadable values give null, never an exception.
 */
public final class Hl7Time {

    /** How much of a DTM was sent. */
    public enum Precision { YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, FRACTION }

    private static final Pattern DTM = Pattern.compile("(\\d{4})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})"
            + "(?:(\\d{2})(\\.\\d{1,4})?)?)?)?)?)?([+-]\\d{4})?");

    private final ZoneId defaultZone;

    public Hl7Time(ZoneId defaultZone) {
        this.defaultZone = defaultZone;
    }

    /**
     * The instant of an event time such as MSH-7: day precision at least (a year or month is not an event time);
     * without an offset {@code assumedZone} is assumed.
     */
    public static Optional<Instant> eventInstant(String dtm, ZoneId assumedZone) {
        Hl7Time t = new Hl7Time(assumedZone);
        Precision p = precision(dtm);
        return p == null || p.compareTo(Precision.DAY) < 0 ? Optional.empty() : Optional.ofNullable(t.toInstant(dtm));
    }

    /** The precision of {@code hl7}, or null if it is no DTM. */
    public static Precision precision(String hl7) {
        Matcher m = match(hl7);
        if (m == null) {
            return null;
        }
        for (int g = 7; g >= 2; g--) {
            if (m.group(g) != null) {
                return Precision.values()[g - 1];
            }
        }
        return Precision.YEAR;
    }

    /** FHIR {@code date} (YYYY, YYYY-MM or YYYY-MM-DD). */
    public String toDate(String hl7) {
        Matcher m = match(hl7);
        if (m == null || !valid(m)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(m.group(1));
        if (m.group(2) != null) {
            sb.append('-').append(m.group(2));
            if (m.group(3) != null) {
                sb.append('-').append(m.group(3));
            }
        }
        return sb.toString();
    }

    /** FHIR {@code dateTime}: date precision as given; with a time, seconds and a zone are filled in. */
    public String toDateTime(String hl7) {
        Matcher m = match(hl7);
        if (m == null || !valid(m)) {
            return null;
        }
        if (m.group(4) == null) {
            return toDate(hl7);
        }
        StringBuilder sb = new StringBuilder(toDate(hl7));
        sb.append('T').append(m.group(4)).append(':').append(or00(m.group(5))).append(':').append(or00(m.group(6)));
        if (m.group(7) != null) {
            sb.append(m.group(7));
        }
        sb.append(offset(m).getId());
        return sb.toString();
    }

    /** An instant: missing parts are the start of the period, in the value's zone or the default zone. */
    public Instant toInstant(String hl7) {
        Matcher m = match(hl7);
        if (m == null || !valid(m)) {
            return null;
        }
        return local(m).atOffset(offset(m)).toInstant();
    }

    private LocalDateTime local(Matcher m) {
        int nanos = 0;
        if (m.group(7) != null) {
            nanos = Integer.parseInt((m.group(7).substring(1) + "000000000").substring(0, 9));
        }
        return LocalDateTime.of(Integer.parseInt(m.group(1)), num(m.group(2), 1), num(m.group(3), 1),
                num(m.group(4), 0), num(m.group(5), 0), num(m.group(6), 0), nanos);
    }

    private ZoneOffset offset(Matcher m) {
        if (m.group(8) != null) {
            String z = m.group(8);
            return ZoneOffset.ofHoursMinutes(Integer.parseInt(z.substring(0, 3)),
                    (z.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(z.substring(3)));
        }
        return defaultZone.getRules().getOffset(local(m));
    }

    private boolean valid(Matcher m) {
        try {
            local(m);
            offset(m);
            return true;
        } catch (DateTimeException | NumberFormatException e) {
            return false;
        }
    }

    private static Matcher match(String hl7) {
        if (hl7 == null) {
            return null;
        }
        Matcher m = DTM.matcher(hl7.strip());
        return m.matches() ? m : null;
    }

    private static int num(String s, int dflt) {
        return s == null ? dflt : Integer.parseInt(s);
    }

    private static String or00(String s) {
        return s == null ? "00" : s;
    }
}
