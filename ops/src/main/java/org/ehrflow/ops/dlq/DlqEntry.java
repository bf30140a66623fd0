package org.ehrflow.ops.dlq;

import org.ehrflow.schemas.DeadLetter;

/**
 * One DLQ record: where it sits, its reason code and, when its value could be decoded, the dead letter (whose
 * original bytes are printed only on explicit request).
 *
 * @param topic      the DLQ topic
 * @param partition  its partition
 * @param offset     its offset
 * @param key        the record key (a patient key or raw key: printed only on explicit request)
 * @param reason     the reason code (from the header, else the value; {@code UNDECODABLE} when neither)
 * @param deadLetter the decoded value, or null when it is not a valid dead letter
 */
public record DlqEntry(String topic, int partition, long offset, String key, String reason, DeadLetter deadLetter) {

    /** Where the record came from, as "topic-partition@offset", "ingress" or "?" when undecodable. */
    public String source() {
        if (deadLetter == null) {
            return "?";
        }
        return deadLetter.sourceTopic() == null ? "ingress"
                : deadLetter.sourceTopic() + "-" + deadLetter.sourcePartition() + "@" + deadLetter.sourceOffset();
    }

    /** "topic-partition@offset" of this DLQ record. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
