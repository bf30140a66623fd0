package org.ehrflow.schemas;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Value of every DLQ topic: the original bytes of a record a stage could not accept, with a reason code and
 * where it came from. Never an exception message or stack trace: parsers echo payload text, which is PHI.
 *
 * @param stage           application id of the stage that rejected it
 * @param reasonCode      UPPER_SNAKE code from the stage's documented table (e.g. HL7_PARSE_ERROR)
 * @param errorClass      simple class name of the exception, if any (no message)
 * @param sourceTopic     where the record was read from (null at ingress)
 * @param sourcePartition its partition (-1 at ingress)
 * @param sourceOffset    its offset (-1 at ingress)
 * @param sourceMessageId MSH-10 / LSN / FHIR id where known
 * @param failedAt        when it was rejected
 * @param original        the original bytes, exactly as received
 */
public record DeadLetter(
        String stage,
        String reasonCode,
        String errorClass,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String sourceMessageId,
        Instant failedAt,
        byte[] original) {

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{2,63}");

    public DeadLetter {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reasonCode, "reasonCode");
        Objects.requireNonNull(failedAt, "failedAt");
        Objects.requireNonNull(original, "original");
        if (!CODE.matcher(reasonCode).matches()) {
            throw new IllegalArgumentException("reason code must be UPPER_SNAKE: " + reasonCode);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && stage.equals(d.stage) && reasonCode.equals(d.reasonCode)
                && Objects.equals(errorClass, d.errorClass) && Objects.equals(sourceTopic, d.sourceTopic)
                && sourcePartition == d.sourcePartition && sourceOffset == d.sourceOffset
                && Objects.equals(sourceMessageId, d.sourceMessageId) && failedAt.equals(d.failedAt)
                && Arrays.equals(original, d.original);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stage, reasonCode, sourceTopic, sourcePartition, sourceOffset, Arrays.hashCode(original));
    }

    @Override
    public String toString() {
        return "DeadLetter[" + stage + " " + reasonCode + " " + sourceTopic + "-" + sourcePartition + "@" + sourceOffset
                + ", " + original.length + " bytes]";
    }
}
