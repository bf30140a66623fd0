package org.ehrflow.gateway.ingest;

import java.util.List;

/**
 * What to do with one request: answer at once (a read, a refusal) or publish records and answer once the broker
 * acknowledged all of them ({@code acks=all}); if any send fails the request is answered as a whole with 503.
 */
public sealed interface Plan permits Plan.Answer, Plan.Publish {

    /** Answer without touching the broker. */
    record Answer(Reply reply) implements Plan {
    }

    /**
     * Publish {@code records}, then answer {@code onAck}. A transaction is one record: the broker stores it whole
     * or not at all, which is what "all-or-nothing" needs without a producer transaction. {@code afterAck} runs
     * once the broker acknowledged every record (e.g. marking subscription events as ingested).
     */
    record Publish(List<RawRecord> records, Reply onAck, Runnable afterAck) implements Plan {
        public Publish {
            records = List.copyOf(records);
        }

        public Publish(List<RawRecord> records, Reply onAck) {
            this(records, onAck, () -> { });
        }
    }
}
