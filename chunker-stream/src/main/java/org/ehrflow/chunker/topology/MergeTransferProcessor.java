package org.ehrflow.chunker.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.ehrflow.chunker.chunking.ResourceChunker;
import org.ehrflow.chunker.error.ReasonCodes;
import org.ehrflow.runtime.LogSafe;
import org.ehrflow.schemas.ChunkSet;
import org.ehrflow.schemas.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of a MERGE, in the task that owns the surviving patient (the internal topic is keyed by the
 * surviving key): merges the retired patient's state into the survivor's and forwards the sets that changed. Shares
 * the chunk step's stores, so both run in one sub-topology and the survivor's later records see the merged state.
 */
final class MergeTransferProcessor implements Processor<String, String, String, Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(MergeTransferProcessor.class);

    private final ResourceChunker chunker;
    private final ChunkerMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private Aggregator aggregator;

    MergeTransferProcessor(ResourceChunker chunker, ChunkerMetrics metrics) {
        this.chunker = chunker;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.aggregator = new Aggregator(chunker, new PatientState(context));
    }

    @Override
    public void process(Record<String, String> record) {
        try {
            StateTransfer transfer = StateTransfer.fromJson(record.value());
            if (!transfer.survivorKey().equals(record.key())) {
                throw new IllegalArgumentException("transfer key differs from its surviving key");
            }
            for (ChunkSet set : aggregator.absorb(transfer)) {
                metrics.set(set);
                context.forward(new Record<String, Routed>(set.patientKey(), new Routed.Out(set), record.timestamp(),
                        new RecordHeaders()));
            }
        } catch (KafkaException e) {
            throw e; // a store or broker fault: Streams retries or stops
        } catch (RuntimeException e) {
            // Our own record, so a defect: keep its bytes in the DLQ (the state can be replayed from there)
            // rather than stop every partition of the app on it.
            deadLetter(record, e);
        }
    }

    private void deadLetter(Record<String, String> record, RuntimeException cause) {
        byte[] bytes = record.value() == null ? new byte[0] : record.value().getBytes(StandardCharsets.UTF_8);
        DeadLetter dl = DeadLetterRoute.forward(context, metrics, record.key(), bytes, record.timestamp(),
                ReasonCodes.MERGE_TRANSFER_ERROR, cause, null);
        LOG.error("dead-lettered merge transfer {}-{}@{} error={} patient={}", dl.sourceTopic(),
                dl.sourcePartition(), dl.sourceOffset(), dl.errorClass(), LogSafe.hash(record.key()));
    }
}
