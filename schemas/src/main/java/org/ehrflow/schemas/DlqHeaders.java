package org.ehrflow.schemas;

/**
 * Header names on DLQ records, so tooling can count by reason without parsing values. Values are codes and
 * positions only: never exception messages or payload text.
 */
public final class DlqHeaders {
    public static final String STAGE = "ehrflow.dlq.stage";
    public static final String REASON = "ehrflow.dlq.reason";
    public static final String SOURCE_TOPIC = "ehrflow.dlq.source.topic";
    public static final String SOURCE_PARTITION = "ehrflow.dlq.source.partition";
    public static final String SOURCE_OFFSET = "ehrflow.dlq.source.offset";
    /** A non-PHI detail that explains the reason, e.g. the MIME type of an unsupported document. */
    public static final String DETAIL = "ehrflow.dlq.detail";

    private DlqHeaders() {
    }
}
