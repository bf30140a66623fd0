package org.ehrflow.normalizer.mapping.cdc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;

/**
 * Converts one column value, as Debezium's JSON converter sends it, to a FHIR primitive: timestamptz (ISO text)
 * and timestamp without time zone (epoch microseconds or ISO local text, read in the site's zone) become UTC
 * dateTimes, date (epoch days) a day-precision dateTime, numbers decimals; an unreadable value is null (left out).
 */
final class ValueReader {

    private final ZoneId siteZone;

    ValueReader(ZoneId siteZone) {
        this.siteZone = siteZone;
    }

    /**
     * @param as   the conversion (FileCheck.AS)
     * @param text the value as text (never null)
     */
    Base convert(String as, String text, CdcEvent e, String column) {
        return switch (as) {
            case "code" -> new CodeType(text);
            case "dateTime" -> dateTime(text, e, column, false);
            case "timestamp" -> dateTime(text, e, column, true);
            case "instant" -> {
                String iso = column != null && local(e, column) ? local(text, e, column) : instant(text);
                yield iso == null ? null : new InstantType(iso);
            }
            case "date" -> date(text);
            case "decimal" -> {
                BigDecimal d = column == null ? decimal(text) : e.decimal(column);
                yield d == null ? null : new DecimalType(d);
            }
            case "integer" -> new IntegerType(text);
            case "boolean" -> new BooleanType(Boolean.parseBoolean(text));
            case "utf8Bytes" -> new Base64BinaryType(text.getBytes(StandardCharsets.UTF_8));
            case "rtfText" -> new Base64BinaryType(NoteText.fromRtf(text).getBytes(StandardCharsets.UTF_8));
            case "htmlText" -> new Base64BinaryType(NoteText.fromHtml(text).getBytes(StandardCharsets.UTF_8));
            case "richText" -> new Base64BinaryType(NoteText.detect(text).getBytes(StandardCharsets.UTF_8));
            default -> new StringType(text);
        };
    }

    /** Whether the column's value is a local time (the mapping declares it timestamp; Debezium sends a number). */
    private static boolean local(CdcEvent e, String column) {
        return e.row().path(column).isIntegralNumber();
    }

    /** The default conversion of a column type. */
    static String forType(String columnType) {
        return switch (columnType) {
            case "timestamptz" -> "dateTime";
            case "timestamp" -> "timestamp";
            case "date" -> "date";
            case "double", "numeric" -> "decimal";
            case "boolean" -> "boolean";
            default -> "string";
        };
    }

    private DateTimeType dateTime(String text, CdcEvent e, String column, boolean local) {
        String iso = local ? local(text, e, column) : instant(text);
        return iso == null ? null : new DateTimeType(iso);
    }

    private String local(String text, CdcEvent e, String column) {
        try {
            Long micros = column == null ? null : e.number(column);
            LocalDateTime t = micros != null
                    ? LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                            (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC)
                    : LocalDateTime.parse(text.replace(' ', 'T'));
            return t.atZone(siteZone).toInstant().toString();
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    private static DateTimeType date(String text) {
        try {
            LocalDate d = text.matches("-?\\d+") ? LocalDate.ofEpochDay(Long.parseLong(text)) : LocalDate.parse(text);
            return new DateTimeType(d.toString());
        } catch (DateTimeParseException | NumberFormatException ex) {
            return null;
        }
    }

    /** Debezium ZonedTimestamp text as a FHIR dateTime (UTC), or null if unreadable. */
    static String instant(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
