package org.ehrflow.chunker.chunking.aggregate;

/**
 * One result of an observation series: what the series chunk says about one Observation.
 *
 * @param ref   "Observation/id"
 * @param code  the series it belongs to (LOINC "http://loinc.org|4548-4", else system|code, else "text|" + the
 *              code's text in lower case); never contains the state stores' key separator
 * @param label how the series is named in its header ("Hemoglobin A1c/Hemoglobin.total in Blood (LOINC 4548-4)")
 * @param date  the result's date (yyyy-MM-dd or coarser)
 * @param time  when it happened (UTC instant string) for ordering, or null
 * @param value the value with its unit ("7.2 %", "128/84 mm[Hg]")
 * @param flag  the interpretation flag ("H", "L", "abnormal"), or null
 */
public record SeriesPoint(String ref, String code, String label, String date, String time, String value,
        String flag) {

    /** The line the series chunk states: "2019-03-04: 7.2 % (H)". */
    public String line() {
        return date + ": " + value + (flag == null ? "" : " (" + flag + ")");
    }
}
