package org.ehrflow.normalizer.mapping.hl7;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.DateTimeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 DTM/TS values ({@code YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]}) as FHIR date, dateTime and instant.
 * FHIR needs a zone once a time is present: a value without one is read in the configured default zone.
 * Unreadable values give null (the element is left out), never a rejection.
 */
public final class Hl7Time {

    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d{1,4})?([+-]\\d{4})?");

    private final ZoneId defaultZone;

    public Hl7Time(ZoneId defaultZone) {
        this.defaultZone = defaultZone;
    }

    /** FHIR {@code date} (YYYY, YYYY-MM or YYYY-MM-DD). */
    public String toDate(String hl7) {
        Matcher m = match(hl7);
        if (m == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(m.group(1));
        if (m.group(2) != null) {
            sb.append('-').append(m.group(2));
            if (m.group(3) != null) {
                sb.append('-').append(m.group(3));
            }
        }
        return valid(m) ? sb.toString() : null;
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
        sb.append(offset(m).getId().equals("Z") ? "Z" : offset(m).getId());
        return sb.toString();
    }

    /** An instant: missing parts are the start of the period, in the value's zone or the default zone. */
    public Instant toInstant(String hl7) {
        Matcher m = match(hl7);
        if (m == null || !valid(m)) {
            return null;
        }
        LocalDateTime t = local(m);
        return t.atOffset(offset(m)).toInstant();
    }

    private LocalDateTime local(Matcher m) {
        int nanos = 0;
        if (m.group(7) != null) {
            String frac = (m.group(7).substring(1) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(frac);
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
